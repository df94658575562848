using Microsoft.Azure.Functions.Worker.Http;

namespace Store.Inventory.Functions;

/// <summary>HTTP edge of Inventory: goods receipts (ingress command) and stock levels (query).</summary>
public sealed class StockFunctions(ReceiptIngress ingress, StockQueries queries)
{
    /// <summary>A receipt is three short fields; 16 KiB leaves room for every character escaped.</summary>
    private static readonly BodyRules ReceiptBody = new(16 * 1024);

    /// <summary><c>POST /api/stock/receipts</c> {receiptId, sku, quantity}: 202 (also for an identical repeat), 400, 409.</summary>
    [Function("Inventory_ReceiveStock")]
    public async Task<HttpResponseData> ReceiveStock(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "stock/receipts")] HttpRequestData req,
        CancellationToken cancellationToken)
    {
        using var body = await HttpEdge.ReadJsonAsync(req, ReceiptBody, cancellationToken).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return await HttpEdge.ProblemAsync(req, problem, cancellationToken).ConfigureAwait(false);
        }

        var traceParent = req.Headers.TryGetValues("traceparent", out var values) ? values.FirstOrDefault() : null;
        HttpAnswer answer;
        try
        {
            answer = await ingress.ReceiveAsync(body.Utf8, traceParent, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            // Committed or not, the same request is safe to send again; a committed receipt is published by the outbox relay anyway.
            return await HttpEdge.UnavailableAsync(req, cancellationToken).ConfigureAwait(false);
        }

        return await WriteAsync(req, answer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>GET /api/stock/{sku}</c>: {sku, available, reserved, committed, received}, or 404.</summary>
    [Function("Inventory_GetStock")]
    public async Task<HttpResponseData> GetStock(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "stock/{sku}")] HttpRequestData req,
        string sku,
        CancellationToken cancellationToken)
    {
        HttpAnswer answer;
        try
        {
            answer = await queries.AnswerAsync(sku, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransientFailures.IsTransient(ex))
        {
            return await HttpEdge.UnavailableAsync(req, cancellationToken).ConfigureAwait(false);
        }

        return await WriteAsync(req, answer, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<HttpResponseData> WriteAsync(HttpRequestData req, HttpAnswer answer, CancellationToken ct)
    {
        var response = req.CreateResponse(answer.Status);
        response.Headers.Add("Content-Type", answer.ContentType);
        await response.Body.WriteAsync(answer.Body, ct).ConfigureAwait(false);
        return response;
    }
}
