using FlowLive.Cli;

return FlowLiveCommand.Run(args, Console.Out, Console.Error);
