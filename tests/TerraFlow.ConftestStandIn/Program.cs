using TerraFlow.ConftestStandIn;

// A stand-in for `conftest` in tests: see README.md next to this file.
return StandInApp.Run(args, Console.Out, Console.Error);
