using System.Runtime.InteropServices;
using System.Text;
using TerraFlow.TerraformStandIn;

// A stand-in for the Terraform CLI used by TerraFlow's tests: it follows the real command-line contract
// (flags, exit codes, output wording, plan files) but replays plan JSON fixtures instead of talking to
// providers. See README.md next to this file.
using var cancellation = new CancellationTokenSource();

// Terraform treats SIGINT and SIGTERM as "interrupt, shut down gracefully"; cancelling lets a scripted
// delay stop early and report it, instead of the runtime killing the process silently.
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
await using var stdout = new StreamWriter(Console.OpenStandardOutput(), utf8) { AutoFlush = true };
await using var stderr = new StreamWriter(Console.OpenStandardError(), utf8) { AutoFlush = true };

return await StandInApp.RunAsync(args, Environment.CurrentDirectory, stdout, stderr, cancellation.Token);

void OnSignal(PosixSignalContext context)
{
    context.Cancel = true;
    cancellation.Cancel();
}
