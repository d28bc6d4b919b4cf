#version 330 core
// The GPU point path: both states of every point stay in buffers, and a morph between them costs one uniform (uT).

layout(location = 0) in vec2 aFrom;       // data coordinates, y up
layout(location = 1) in vec2 aTo;
layout(location = 2) in vec4 aColour;

uniform float uT;                         // 0 = from, 1 = to
uniform vec2 uCentre;                     // data point at the viewport's centre
uniform float uScale;                     // pixels per data unit
uniform vec2 uViewportCentre;             // in window pixels
uniform float uPointSize;                 // diameter in pixels
uniform mat4 uProjection;

out vec4 vColour;

void main()
{
    vec2 data = mix(aFrom, aTo, uT);
    vec2 pixel = uViewportCentre + vec2(data.x - uCentre.x, uCentre.y - data.y) * uScale;
    gl_Position = uProjection * vec4(pixel, 0.0, 1.0);
    gl_PointSize = uPointSize;
    vColour = aColour;
}
