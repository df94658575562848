// Azurite requires "applicationinsights" when it loads and calls it only if telemetry is on. The repository starts Azurite
// with --disableTelemetry (tests/TestSupport/Azurite.cs) and replaces the SDK with this module (package.json overrides),
// which saves about 200 npm packages per install and half of each Azurite start's CPU. An Azurite started without that
// flag logs this error once ("Fail to init telemetry") and serves as usual, sending nothing.
"use strict";
function disabled() {
  throw new Error("Azurite telemetry is not installed in this repository (package.json overrides applicationinsights); start Azurite with --disableTelemetry.");
}
module.exports = { setup: disabled, start: disabled, TelemetryClient: disabled };
