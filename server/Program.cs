using FlowLive.Server;

// The server alone; `flowlive serve` is the usual way in (same host, same configuration keys).
await FlowLiveServer.Build(args).RunAsync();
