#version 330 core
// Round points: GL rasterises squares; the corners outside the inscribed disc are dropped.

in vec4 vColour;

out vec4 fragColour;

void main()
{
    vec2 fromCentre = gl_PointCoord * 2.0 - 1.0;
    if (dot(fromCentre, fromCentre) > 1.0) discard;
    fragColour = vColour;
}
