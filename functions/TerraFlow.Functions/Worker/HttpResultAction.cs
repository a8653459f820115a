using Microsoft.AspNetCore.Mvc;

namespace TerraFlow.Functions.Worker;

/// <summary>
/// The shared endpoint handlers answer with minimal-API <see cref="IResult"/>s; the worker's ASP.NET Core integration
/// executes <see cref="IActionResult"/>s. This runs the handler's result unchanged on the same <c>HttpContext</c>.
/// </summary>
public sealed class HttpResultAction(IResult result) : IActionResult
{
    public IResult Result { get; } = result;

    public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
}
