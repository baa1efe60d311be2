"""The Earth: shape, gravity, rotation and atmosphere, shared by the ascent and the orbit work."""
