// The viewer alone (`flowlive-viewer --server ADDRESS`); `flowlive view` and `flowlive demo` are the usual ways in.
return FlowLive.Viewer.ViewerProgram.Run(args);
