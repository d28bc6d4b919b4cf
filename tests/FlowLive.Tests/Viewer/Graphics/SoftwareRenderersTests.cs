extern alias viewer;
using viewer::FlowLive.Viewer.Graphics;

namespace FlowLive.Tests.Viewer.Graphics;

public class SoftwareRenderersTests
{
    [Theory]
    [InlineData("llvmpipe (LLVM 15.0.6, 256 bits)", true)]
    [InlineData("softpipe", true)]
    [InlineData("Software Rasterizer", true)]
    [InlineData("Mesa Intel(R) UHD Graphics 620 (KBL GT2)", false)]
    [InlineData("NVIDIA GeForce RTX 3060/PCIe/SSE2", false)]
    public void MesaCpuRasterisersAreSoftware(string renderer, bool software) => Assert.Equal(software, SoftwareRenderers.IsSoftware(renderer));
}
