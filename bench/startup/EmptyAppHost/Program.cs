// An AppHost with nothing in it: bench/startup's baseline for the time to the dashboard URL and from Ctrl+C to the last
// process gone, which then are Aspire's own (the AppHost, DCP and the dashboard) on this machine.
DistributedApplication.CreateBuilder(args).Build().Run();
