using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;

namespace TerraFlow.Functions.Approvals;

/// <summary>
/// A small self-contained HTML page (no scripts, no external resources) with the headers every approval response
/// carries: the URL holds a bearer token, so nothing may cache it, frame it, or send it on as a Referer.
/// Callers pass already-encoded HTML; <see cref="E"/> encodes every dynamic value.
/// </summary>
internal sealed class HtmlPage(int statusCode, string title, string bodyHtml) : IResult
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1f2328}" +
        "dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1rem}dt{font-weight:600}" +
        "code{font-size:.9em}.problem{color:#a40e26}button,.button{font-size:1rem;padding:.5rem 1rem}";

    // The inline style is allowed by its hash, so the policy can forbid everything else (no script at all).
    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static string E(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public int StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext context)
    {
        ApplySecurityHeaders(context.Response);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/html; charset=utf-8";
        var html = $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">" +
                   $"<meta name=\"referrer\" content=\"no-referrer\"><title>{E(title)} · TerraFlow</title><style>{Style}</style></head>" +
                   $"<body><h1>{E(title)}</h1>\n{bodyHtml}\n</body></html>\n";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }

    /// <summary>Also used on redirects, which carry tokens and codes in their URLs just the same.</summary>
    public static void ApplySecurityHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers["X-Frame-Options"] = "DENY";
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
    }
}

/// <summary>A redirect with the approval security headers (no caching, no referrer).</summary>
internal sealed class SafeRedirect(string location) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        HtmlPage.ApplySecurityHeaders(context.Response);
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
