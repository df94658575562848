# Writes functions/<Context>/local.settings.json from the LOCAL_SETTINGS output of infra/main.bicep, so each app
# can run with `func start` against the provisioned Event Hubs and state tables, signed in as the developer
# (identity-based connections; the host itself uses Azurite through UseDevelopmentStorage=true).
# It never fails: the files only serve local runs, and a failing hook would stop `azd up` before it deploys the code.
try {
    $ErrorActionPreference = 'Stop'
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $raw = azd env get-value LOCAL_SETTINGS | Out-String
    if ($LASTEXITCODE -ne 0) {
        throw "azd env get-value LOCAL_SETTINGS failed: $raw"
    }
    $settings = $raw | ConvertFrom-Json

    foreach ($entry in $settings) {
        $folder = Join-Path (Join-Path $root 'functions') $entry.context
        if (-not (Test-Path $folder -PathType Container)) {
            Write-Warning "postprovision: $folder does not exist; skipping $($entry.context)"
            continue
        }
        $path = Join-Path $folder 'local.settings.json'
        [ordered]@{ IsEncrypted = $false; Values = $entry.values } |
            ConvertTo-Json -Depth 5 |
            Set-Content -Path $path -Encoding utf8
        Write-Host "postprovision: wrote $path"
    }
}
catch {
    Write-Warning "postprovision: $($_.Exception.Message); local.settings.json not written, the deployment goes on."
}
exit 0
