using System.Net;
using Store.Eventing.Http;

namespace Store.Eventing.Tests.Http;

/// <summary>The edge's body checks, as pure functions of content type, bytes and rules.</summary>
public sealed class HttpEdgeTests
{
    private static readonly BodyRules Required = new(64);
    private static readonly BodyRules Optional = new(64, Required: false);

    private static EdgeBody Check(string? contentType, string body, BodyRules? rules = null) =>
        HttpEdge.Check(contentType, Encoding.UTF8.GetBytes(body), rules ?? Required);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;charset=UTF-8")]
    [InlineData("application/cloudevents+json")]
    public void JsonMediaTypes_AreAccepted(string contentType)
    {
        using var body = Check(contentType, """{"a":1}""");
        Assert.Null(body.Problem);
        Assert.Equal(1, body.Document!.RootElement.GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(";;;")]
    public void OtherMediaTypes_Are415(string? contentType)
    {
        using var body = Check(contentType, """{"a":1}""");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, body.Problem!.Status);
    }

    [Fact]
    public void BodyOverTheLimit_Is413_NamingTheLimit()
    {
        using var body = Check("application/json", $$"""{"a":"{{new string('x', 64)}}"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, body.Problem!.Status);
        Assert.Contains("64 bytes", body.Problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyBody_IsRequiredOrNothing()
    {
        using var required = Check(null, "");
        Assert.Equal(HttpStatusCode.BadRequest, required.Problem!.Status);
        using var optional = Check("text/plain", "", Optional);
        Assert.Null(optional.Problem);
        Assert.Null(optional.Document);
    }

    [Fact]
    public void InvalidUtf8_Is400_WithTheByteOffset_NotAnException()
    {
        byte[] bytes = [.. "{\"a\":\""u8, 0xC3, .. "\"}"u8];
        using var body = HttpEdge.Check("application/json", bytes, Required);
        Assert.Equal(HttpStatusCode.BadRequest, body.Problem!.Status);
        Assert.Contains("byte 6", body.Problem.Errors!["body"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":1,"a":1}""", "'a'")]
    [InlineData("""{"x":[{"b":1,"b":2}]}""", "'b'")]
    public void RepeatedNames_AtAnyDepth_Are400_NamingTheProperty(string json, string name)
    {
        using var body = Check("application/json", json);
        Assert.Equal(HttpStatusCode.BadRequest, body.Problem!.Status);
        Assert.Contains(name, body.Problem.Errors!["body"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"a":"\ud800"}""", "$.a")]
    [InlineData("""{"a":["ok","x\udc00"]}""", "$.a[1]")]
    [InlineData("""{"\ud800":1}""", "property name")]
    public void EscapedLoneSurrogates_Are400_NamingThePath(string json, string path)
    {
        using var body = Check("application/json", json);
        Assert.Equal(HttpStatusCode.BadRequest, body.Problem!.Status);
        Assert.Contains(path, body.Problem.Errors!["body"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void SurrogatePairs_AreText()
    {
        using var body = Check("application/json", """{"a":"\ud83d\ude00"}""");
        Assert.Null(body.Problem);
    }

    [Fact]
    public void DeepNesting_Is400()
    {
        using var body = HttpEdge.Check("application/json", Encoding.UTF8.GetBytes(new string('[', 40) + new string(']', 40)), new BodyRules(1000));
        Assert.Equal(HttpStatusCode.BadRequest, body.Problem!.Status);
    }

    [Fact]
    public void ProblemBodies_AreAspNetCoreProblemDetails_WithRfc9110Types()
    {
        using var validation = JsonDocument.Parse(HttpEdge.ToJson(new EdgeProblem(HttpStatusCode.BadRequest, "Invalid.", Errors: new Dictionary<string, string[]> { ["a"] = ["bad"] })));
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.1", validation.RootElement.GetProperty("type").GetString());
        Assert.Equal(400, validation.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("bad", validation.RootElement.GetProperty("errors").GetProperty("a")[0].GetString());

        using var conflict = JsonDocument.Parse(HttpEdge.ToJson(new EdgeProblem(HttpStatusCode.Conflict, "Conflict.", "why")));
        Assert.Equal("https://tools.ietf.org/html/rfc9110#section-15.5.10", conflict.RootElement.GetProperty("type").GetString());
        Assert.Equal("why", conflict.RootElement.GetProperty("detail").GetString());
        Assert.False(conflict.RootElement.TryGetProperty("errors", out _));
    }
}
