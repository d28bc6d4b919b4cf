#version 330 core
// The text atlas is coverage only (one channel): a glyph's coverage becomes the alpha of the vertex colour.

in vec2 vTexCoord;
in vec4 vColour;

uniform sampler2D uCoverage;

out vec4 fragColour;

void main()
{
    fragColour = vec4(vColour.rgb, vColour.a * texture(uCoverage, vTexCoord).r);
}
