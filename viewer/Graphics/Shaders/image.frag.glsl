#version 330 core
// A CPU image (splatted points, heatmaps, digits) tinted by the vertex colour (white: as it is).

in vec2 vTexCoord;
in vec4 vColour;

uniform sampler2D uImage;

out vec4 fragColour;

void main()
{
    fragColour = texture(uImage, vTexCoord) * vColour;
}
