using FlowLive.Server.Cli;

return FlowLiveCommand.Run(args, Console.Out, Console.Error);
