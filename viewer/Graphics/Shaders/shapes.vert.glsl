#version 330 core
// Rectangles, lines, text and images share this vertex format, so a frame's shapes go out in one draw call.

layout(location = 0) in vec2 aPosition;   // window pixels, origin top-left, y down
layout(location = 1) in vec2 aTexCoord;   // shapes point at the atlas's white block, glyphs at their cell
layout(location = 2) in vec4 aColour;     // straight (not premultiplied) alpha

uniform mat4 uProjection;                 // pixels to clip space (y flipped)

out vec2 vTexCoord;
out vec4 vColour;

void main()
{
    gl_Position = uProjection * vec4(aPosition, 0.0, 1.0);
    vTexCoord = aTexCoord;
    vColour = aColour;
}
