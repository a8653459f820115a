using System.Security.Cryptography;
using System.Text;
using TerraFlow.Functions.Approvals;

namespace TerraFlow.Functions.Console;

/// <summary>
/// A console page: landmarks (header with navigation, main), a skip link, one inline stylesheet allowed by its hash
/// and no script at all (everything works without JavaScript; a running plan refreshes with a meta refresh). The
/// security headers are the approval pages' (no caching, no framing, no referrer). Callers pass already-encoded HTML;
/// <see cref="HtmlPage.E"/> encodes every dynamic value.
/// </summary>
internal sealed class ConsoleLayout(int statusCode, string title, string root, string bodyHtml, string? signedInAs, int? refreshSeconds = null) : IResult
{
    // Colours meet WCAG AA contrast on white (#1f2328 text, #0550ae links, badges ≥ 4.5:1); focus is always visible.
    private const string Style =
        "*{box-sizing:border-box}body{font-family:system-ui,sans-serif;margin:0;color:#1f2328;background:#fff;line-height:1.45}" +
        ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:2}" +
        "header{background:#24292f;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center}" +
        "header a{color:#fff}header .brand{font-weight:700;text-decoration:none}header nav ul{list-style:none;display:flex;flex-wrap:wrap;gap:1rem;margin:0;padding:0}" +
        "header .who{margin-left:auto;font-size:.9rem}" +
        "main{max-width:72rem;margin:0 auto;padding:1rem}a{color:#0550ae}:focus-visible{outline:3px solid #bf8700;outline-offset:2px}" +
        ".table{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}" +
        "caption{text-align:left}th{background:#f6f8fa}pre{background:#f6f8fa;padding:.75rem;overflow-x:auto;font-size:.85rem;max-height:40rem}" +
        "details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end;margin-bottom:1rem}" +
        "label{display:flex;flex-direction:column;font-size:.9rem;font-weight:600}input,select,button,.button{font:inherit;padding:.35rem .5rem}" +
        "button,.button{background:#1f6feb;color:#fff;border:1px solid #1a5fcc;border-radius:4px;text-decoration:none;display:inline-block}" +
        "button.danger{background:#b42318;border-color:#8f1d14}" +
        "form.inline{margin:0}.notice{border-left:4px solid #1a7f37;padding:.5rem .75rem;background:#f6f8fa}" +
        ".badge{display:inline-block;padding:0 .4rem;border-radius:1rem;font-size:.85rem;border:1px solid #57606a;color:#1f2328;white-space:nowrap}" +
        ".bad{border-color:#b42318;color:#b42318}.good{border-color:#1a7f37;color:#116329}.note{color:#57606a}.problem{color:#a40e26}" +
        "dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1rem}dt{font-weight:600}section{margin:1.5rem 0}" +
        "@media (max-width:40rem){dl{grid-template-columns:auto}header .who{margin-left:0}}";

    private static readonly string ContentSecurityPolicy =
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Style)))}'; " +
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public int StatusCode => statusCode;

    public string Body => bodyHtml;

    public async Task ExecuteAsync(HttpContext context)
    {
        HtmlPage.ApplySecurityHeaders(context.Response);
        context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/html; charset=utf-8";
        var e = HtmlPage.E;
        var refresh = refreshSeconds is { } s ? $"<meta http-equiv=\"refresh\" content=\"{s}\">" : "";
        var who = signedInAs is null ? "" : $"<p class=\"who\">Signed in as {e(signedInAs)}</p>";
        var html = $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
                   $"<meta name=\"referrer\" content=\"no-referrer\">{refresh}<title>{e(title)} · TerraFlow</title><style>{Style}</style></head>\n<body>" +
                   "<a class=\"skip\" href=\"#main\">Skip to content</a>" +
                   $"<header><a class=\"brand\" href=\"{e(root)}/runs\">TerraFlow</a><nav aria-label=\"Console\"><ul>" +
                   $"<li><a href=\"{e(root)}/runs\">Runs</a></li><li><a href=\"{e(root)}/locks\">Locks &amp; queues</a></li>" +
                   $"<li><a href=\"{e(root)}/drift\">Drift</a></li>" +
                   $"<li><a href=\"{e(root)}/health\">Health</a></li></ul></nav>{who}</header>\n" +
                   $"<main id=\"main\"><h1>{e(title)}</h1>\n{bodyHtml}\n</main></body></html>\n";
        await context.Response.WriteAsync(html, context.RequestAborted);
    }
}
