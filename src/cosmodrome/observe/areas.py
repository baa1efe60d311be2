"""Areas on the Earth (globe, latitude band, polygons) and equal-area grids of points over them.

Coordinates are WGS-84 geodetic longitude and latitude in degrees, as in GeoJSON (RFC 7946,
section 4). Polygon edges are straight lines in the longitude-latitude plane, as RFC 7946
section 3.1.1 defines them, not great circles.

Polygons and the antimeridian
-----------------------------
A ring may cross the antimeridian in either of the two ways files use:

- longitudes that jump (``170 -> -170``): an edge whose longitude changes by more than 180 deg
  is taken the short way, across +-180 deg;
- longitudes that run on past 180 (``170 -> 190``): taken as they are.

Each ring is *unwrapped* (longitudes made continuous along it, the first vertex in [-180, 180))
and a point is inside when it is inside the unwrapped ring at its own longitude or at that
longitude +-360 deg. This is the same as splitting the polygon at the antimeridian into pieces
within [-180, 180] and testing the pieces, without creating the pieces. Two exceptions to "the
short way": an edge from one side of the antimeridian to the other (both ends at +-180 deg, such
as ``[-180, 60] -> [180, 60]``) is taken literally, as the full-width edge of a polygon drawn on a
flat map; and an edge spanning exactly 180 deg of longitude is ambiguous and refused.
A ring that goes once around a pole (its unwrapped longitude ends 360 deg from where it started)
encloses that pole on its left, by the RFC 7946 right-hand rule: an eastward ring encloses the
north pole, a westward ring the south pole. Its interior is closed along the pole.

Point-in-polygon is the even-odd crossing test (Shimrat 1962, CACM 5(8) 434, in the half-open
form of Haines 1994, "Point in polygon strategies", Graphics Gems IV): a point on an edge
shared by two polygons belongs to exactly one of them. A ring's self-intersection check
compares every pair of non-adjacent edges (orientation tests, touching counts as crossing), in
blocks of consecutive edges whose bounding boxes overlap (O(n^2) in the number of edges at worst,
under a second for a 10,000-vertex ring in practice). Both are written here (about 120 lines)
rather than pulled from shapely: the antimeridian unwrapping has to sit inside the tests, and the
rest of the package needs no geometry library.

Equal-area grid
---------------
Rows of constant height h in geodetic latitude (h = the resolution, shortened so that a whole
number of rows fills the latitude range); row k spans [phi_k, phi_k+1] and holds
n_k = max(1, round(2 pi (sin b(phi_k+1) - sin b(phi_k)) / h^2)) cells of equal width 360/n_k deg,
starting at -180 deg, where b is the authalic latitude (Snyder 1987, *Map Projections: A Working
Manual*, USGS Professional Paper 1395, eqs. 3-11 to 3-13). The row's area is
2 pi R_q^2 (sin b(phi_k+1) - sin b(phi_k)) exactly, on the WGS-84 ellipsoid, so n_k is the number
of h x h cells it holds (proportional to cos(latitude)), and every cell of a row has the same area,
that of an h x h cell at the equator within the rounding of n_k (a few per cent near the poles,
where n_k is small). Each grid point sits at the centre of its cell (midpoint in latitude and in
longitude) and carries its cell's exact area in ``cell_area_m2``: the weights of a global grid sum
to the area of the ellipsoid, 4 pi R_q^2 with R_q = 6371007.18 m. With ``sphere_radius_m`` the same
scheme runs on a sphere (b = latitude), for textbook comparisons.

A latitude band gets rows fitted to its own bounds, so its weights sum to the band's exact area.
A polygon area takes the cells of the global grid whose centre lies inside a polygon (and outside
its holes); its weights sum to the polygon's area within about half a cell along its outline.
Resolution: from ``MIN_RESOLUTION_DEG`` (0.1 deg, 4.1 million points over the globe; finer grids
make the access arrays of a constellation outgrow a workstation's memory) to ``MAX_RESOLUTION_DEG``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from ..earth.constants import WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M
from ..earth.geodesy import geodetic_to_ecef
from ..errors import InvalidInputError

MIN_RESOLUTION_DEG = 0.1
MAX_RESOLUTION_DEG = 90.0
_MAX_ABS_LONGITUDE_DEG = 540.0
_ZERO_AREA_DEG2 = 1e-12
_CHUNK_ELEMENTS = 2_000_000


# --- authalic latitude (Snyder 1987, eqs. 3-11 to 3-13) --------------------------------------------

def _authalic_q(sin_lat, e2=WGS84_ECCENTRICITY_SQUARED):
    """Snyder's q(phi) (eq. 3-12) for the ellipsoid of squared eccentricity e2."""
    e = math.sqrt(e2)
    s = np.asarray(sin_lat, dtype=float)
    return (1.0 - e2) * (s / (1.0 - e2 * s * s) - np.log((1.0 - e * s) / (1.0 + e * s)) / (2.0 * e))


_Q_POLE = float(_authalic_q(1.0))
AUTHALIC_RADIUS_M = WGS84_EQUATORIAL_RADIUS_M * math.sqrt(_Q_POLE / 2.0)  # Snyder eq. 3-13


def authalic_sine(latitude_rad):
    """sin of the WGS-84 authalic latitude of geodetic latitudes (rad): q(phi) / q(90 deg) (Snyder eq. 3-11).

    The area of the ellipsoid between the equator and latitude phi, over all longitudes, is
    2 pi R_q^2 times this value.
    """
    return _authalic_q(np.sin(np.asarray(latitude_rad, dtype=float))) / _Q_POLE


# --- polygons ----------------------------------------------------------------------------------

def _fail(message: str, source, where) -> InvalidInputError:
    return InvalidInputError(message, source=source, field=where)


def _orient(ax, ay, bx, by, cx, cy):
    """Twice the signed area of triangle a, b, c (> 0 when counter-clockwise)."""
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)


def _segments_meet(p1, p2, q1, q2):
    """Whether segments p1-p2 and q1-q2 share at least one point (arrays (..., 2), broadcast)."""
    o1 = _orient(p1[..., 0], p1[..., 1], p2[..., 0], p2[..., 1], q1[..., 0], q1[..., 1])
    o2 = _orient(p1[..., 0], p1[..., 1], p2[..., 0], p2[..., 1], q2[..., 0], q2[..., 1])
    o3 = _orient(q1[..., 0], q1[..., 1], q2[..., 0], q2[..., 1], p1[..., 0], p1[..., 1])
    o4 = _orient(q1[..., 0], q1[..., 1], q2[..., 0], q2[..., 1], p2[..., 0], p2[..., 1])
    boxes = ((np.minimum(p1[..., 0], p2[..., 0]) <= np.maximum(q1[..., 0], q2[..., 0]))
             & (np.minimum(q1[..., 0], q2[..., 0]) <= np.maximum(p1[..., 0], p2[..., 0]))
             & (np.minimum(p1[..., 1], p2[..., 1]) <= np.maximum(q1[..., 1], q2[..., 1]))
             & (np.minimum(q1[..., 1], q2[..., 1]) <= np.maximum(p1[..., 1], p2[..., 1])))
    # Opposite sides (or touching) for both pairs; the box test settles the collinear case.
    return (o1 * o2 <= 0.0) & (o3 * o4 <= 0.0) & boxes


def _block_boxes(starts, ends, block):
    """Bounding boxes (x_lo, x_hi, y_lo, y_hi) of consecutive blocks of ``block`` edges."""
    lo, hi = np.minimum(starts, ends), np.maximum(starts, ends)
    first = np.arange(0, len(starts), block)
    return (np.minimum.reduceat(lo[:, 0], first), np.maximum.reduceat(hi[:, 0], first),
            np.minimum.reduceat(lo[:, 1], first), np.maximum.reduceat(hi[:, 1], first))


def _first_meeting(starts_a, ends_a, starts_b, ends_b, skip_adjacent: bool, block: int = 256):
    """First (i, j) in (i, j) order with edge i of A meeting edge j of B, or None.

    When A is B (``skip_adjacent``) only pairs with j > i + 1 count, and not the first and last
    edges of the closed ring. Edges are compared block by block, and only blocks whose bounding
    boxes overlap are compared edge by edge: consecutive edges of an outline stay close together,
    so most block pairs drop out.
    """
    n_b = len(starts_b)
    box_a = _block_boxes(starts_a, ends_a, block)
    box_b = _block_boxes(starts_b, ends_b, block)
    for a, lo in enumerate(range(0, len(starts_a), block)):
        hi = min(len(starts_a), lo + block)
        overlap = ((box_b[0] <= box_a[1][a]) & (box_b[1] >= box_a[0][a])
                   & (box_b[2] <= box_a[3][a]) & (box_b[3] >= box_a[2][a]))
        candidates = np.flatnonzero(overlap)
        if candidates.size == 0:
            continue
        j = (candidates[:, None] * block + np.arange(block)[None, :]).ravel()
        j = j[j < n_b]
        meets = _segments_meet(starts_a[lo:hi, None], ends_a[lo:hi, None], starts_b[None, j], ends_b[None, j])
        if skip_adjacent:
            i = np.arange(lo, hi)[:, None]
            # Adjacent edges share a vertex; the first and last edges of a closed ring too.
            meets &= (j[None, :] > i + 1) & ~((i == 0) & (j[None, :] == n_b - 1))
        hit = np.argwhere(meets)
        if hit.size:
            rows = hit[:, 0] + lo
            cols = j[hit[:, 1]]
            best = np.lexsort((cols, rows))[0]
            return int(rows[best]), int(cols[best])
    return None


def _crossing_parity(x, y, ring, block: int = 64):
    """Even-odd crossing parity of a ray towards +x from each point (x, y) against a closed ring (n, 2).

    Points are sorted by y, so each block of edges meets only the points within its latitude span.
    """
    x1, y1 = ring[:-1, 0], ring[:-1, 1]
    x2, y2 = ring[1:, 0], ring[1:, 1]
    order = np.argsort(y, kind="stable")
    xs, ys = x[order], y[order]
    parity = np.zeros(xs.shape, dtype=bool)
    for lo in range(0, len(x1), block):
        a1, b1, a2, b2 = (v[lo:lo + block, None] for v in (x1, y1, x2, y2))
        first = np.searchsorted(ys, min(b1.min(), b2.min()), side="left")
        last = np.searchsorted(ys, max(b1.max(), b2.max()), side="right")
        step = max(1, _CHUNK_ELEMENTS // len(a1))
        for start in range(first, last, step):
            px, py = xs[start:min(last, start + step)], ys[start:min(last, start + step)]
            straddles = (b1 > py) != (b2 > py)  # half-open in y: a vertex on the ray counts once
            with np.errstate(divide="ignore", invalid="ignore"):
                x_cross = a1 + (py - b1) * (a2 - a1) / (b2 - b1)
            parity[start:start + px.size] ^= (np.count_nonzero(straddles & (px < x_cross), axis=0) % 2).astype(bool)
    inside = np.empty_like(parity)
    inside[order] = parity
    return inside


def _ring_contains(ring, longitude_deg, latitude_deg):
    """Points inside an unwrapped closed ring, testing each longitude and its +-360 deg copies."""
    lon = np.asarray(longitude_deg, dtype=float)
    shape = lon.shape
    lon = lon.ravel()
    lat = np.asarray(latitude_deg, dtype=float).ravel()
    out = np.zeros(lon.shape, dtype=bool)
    x_min, x_max = ring[:, 0].min(), ring[:, 0].max()
    y_min, y_max = ring[:, 1].min(), ring[:, 1].max()
    in_lat = (lat >= y_min) & (lat <= y_max)
    for shift in (-360.0, 0.0, 360.0):
        x = lon + shift
        candidates = np.flatnonzero(in_lat & (x >= x_min) & (x <= x_max) & ~out)
        if candidates.size:
            out[candidates] = _crossing_parity(x[candidates], lat[candidates], ring)
    return out.reshape(shape)


def _normalise_ring(raw, where: str, source, *, allow_pole: bool):
    """A ring as a closed, unwrapped (n, 2) array; raises InvalidInputError naming ``where``."""
    try:
        ring = np.array(raw, dtype=float)
    except (TypeError, ValueError):
        raise _fail(f"expected a list of [longitude, latitude] positions in degrees, got {raw!r:.80}",
                    source, where) from None
    if ring.ndim != 2 or ring.shape[1] < 2:
        if ring.size == 0:
            raise _fail("empty polygon: the ring has no positions", source, where)
        raise _fail(f"expected a list of [longitude, latitude] positions in degrees, got an array of shape "
                    f"{ring.shape}", source, where)
    ring = ring[:, :2]  # a third value (height) is allowed by RFC 7946 and not needed here
    bad = ~np.isfinite(ring).all(axis=1)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise _fail(f"position {k}: expected finite numbers, got {ring[k].tolist()}", source, where)
    bad = np.abs(ring[:, 1]) > 90.0
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise _fail(f"position {k}: latitude must be within -90 to 90 deg, got {ring[k, 1]}", source, where)
    bad = np.abs(ring[:, 0]) > _MAX_ABS_LONGITUDE_DEG
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise _fail(f"position {k}: longitude must be within -540 to 540 deg, got {ring[k, 0]}", source, where)
    # Closed: the last position repeats the first (a longitude a whole turn away counts as the same).
    closes = len(ring) >= 4 and ring[0, 1] == ring[-1, 1] and (ring[-1, 0] - ring[0, 0]) % 360.0 == 0.0
    if not closes:
        raise _fail("a linear ring needs at least 4 positions, the last equal to the first (RFC 7946 "
                    f"section 3.1.6), got {len(ring)} position(s)"
                    + ("" if len(ring) < 4 else f" ending at {ring[-1].tolist()} instead of {ring[0].tolist()}"),
                    source, where)
    # Drop the closing position and repeated consecutive positions (cyclically), keeping each kept
    # vertex's index in the file for the messages.
    body = ring[:-1]
    keep = np.any(body != np.roll(body, 1, axis=0), axis=1)
    if not keep.any():
        keep[0] = True
    index = np.flatnonzero(keep)
    vertices = body[index]  # open ring: the closing edge back to the first vertex is implied
    if len(vertices) < 3:
        raise _fail(f"empty polygon: the ring has {len(vertices)} distinct position(s), a polygon needs 3",
                    source, where)
    lon = vertices[:, 0]
    nxt = np.roll(lon, -1)
    step = nxt - lon
    both_on_antimeridian = (np.abs(lon) == 180.0) & (np.abs(nxt) == 180.0)
    short = step - 360.0 * np.round(step / 360.0)
    ambiguous = (np.abs(np.abs(short) - 180.0) < 1e-9) & ~both_on_antimeridian
    if ambiguous.any():
        k = int(np.flatnonzero(ambiguous)[0])
        raise _fail(f"positions {index[k]} and {index[(k + 1) % len(index)]}: the edge spans exactly 180 deg of "
                    "longitude, so it is ambiguous which way it goes round; add a position between them",
                    source, where)
    step = np.where(both_on_antimeridian, step, short)
    start = (lon[0] + 180.0) % 360.0 - 180.0
    unwrapped_lon = start + np.concatenate([[0.0], np.cumsum(step)])  # n + 1 values, the last closes
    winding = int(round((unwrapped_lon[-1] - unwrapped_lon[0]) / 360.0))
    unwrapped_lon[-1] = unwrapped_lon[0] + 360.0 * winding  # exactly, whatever the rounding of the sum
    lat = np.append(vertices[:, 1], vertices[0, 1])
    closed = np.column_stack([unwrapped_lon, lat])
    raw_index = np.append(index, index[0])
    if winding != 0:
        if not allow_pole or abs(winding) != 1:
            what = "a hole" if not allow_pole else "a ring"
            raise _fail(f"{what} may not wind around a pole (its longitude runs {360 * winding:+d} deg round "
                        "the Earth)", source, where)
        pole = 90.0 if winding > 0 else -90.0
        end = unwrapped_lon[-1]
        cap = np.array([[end - winding * 90.0 * k, pole] for k in range(5)])
        closed = np.vstack([closed, cap, closed[:1]])
        raw_index = np.concatenate([raw_index, np.full(6, -1)])
    _check_simple(closed, raw_index, where, source)
    x, y = closed[:, 0], closed[:, 1]
    signed_area = 0.5 * np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])
    if abs(signed_area) <= _ZERO_AREA_DEG2:
        raise _fail("empty polygon: the ring encloses no area", source, where)
    closed.setflags(write=False)
    return closed


def _describe_edge(k, raw_index):
    a, b = raw_index[k], raw_index[k + 1]
    if a < 0 or b < 0:
        return "the closure over the pole"
    return f"the edge from position {a} to {b}"


def _check_simple(closed, raw_index, where, source):
    """Raise when a closed ring crosses or touches itself, or doubles back along an edge."""
    starts, ends = closed[:-1], closed[1:]
    d1 = ends - starts
    d2 = np.roll(d1, -1, axis=0)
    cross = d1[:, 0] * d2[:, 1] - d1[:, 1] * d2[:, 0]
    dot = np.einsum("ij,ij->i", d1, d2)
    spikes = (cross == 0.0) & (dot < 0.0)
    if spikes.any():
        k = int(np.flatnonzero(spikes)[0])
        raise _fail(f"self-intersecting polygon: the ring doubles back on itself at "
                    f"{_describe_edge(k, raw_index)}", source, where)
    hit = _first_meeting(starts, ends, starts, ends, skip_adjacent=True)
    if hit is not None:
        i, j = hit
        lon, lat = _near(starts[i], ends[i], starts[j], ends[j])
        raise _fail(f"self-intersecting polygon: {_describe_edge(i, raw_index)} meets "
                    f"{_describe_edge(j, raw_index)} near longitude {lon:.6g}, latitude {lat:.6g} deg",
                    source, where)


def _near(p1, p2, q1, q2):
    """Where two meeting segments meet (their intersection, or a shared end when collinear)."""
    d = (p2[0] - p1[0]) * (q2[1] - q1[1]) - (p2[1] - p1[1]) * (q2[0] - q1[0])
    if d == 0.0:
        return float(q1[0]), float(q1[1])
    t = ((q1[0] - p1[0]) * (q2[1] - q1[1]) - (q1[1] - p1[1]) * (q2[0] - q1[0])) / d
    lon = p1[0] + t * (p2[0] - p1[0])
    return float((lon + 180.0) % 360.0 - 180.0), float(p1[1] + t * (p2[1] - p1[1]))


def _shift_near(ring, reference):
    """The ring shifted by a multiple of 360 deg so that its first vertex lies in [min, min + 360) of the reference."""
    x_min = reference[:, 0].min()
    k = np.floor((ring[0, 0] - x_min) / 360.0)
    if k == 0:
        return ring
    shifted = ring.copy()
    shifted[:, 0] -= 360.0 * k
    shifted.setflags(write=False)
    return shifted


@dataclass(frozen=True, eq=False)
class Polygon:
    """One polygon: an exterior ring and optional holes, longitude and latitude in degrees.

    Rings are given as GeoJSON gives them: sequences of [longitude, latitude] (a third value is
    ignored), at least 4 positions, the last equal to the first. They are stored closed and
    unwrapped (module docstring): the longitudes are continuous along each ring and may pass
    beyond +-180 deg, the exterior's first vertex lies in [-180, 180), and each hole is shifted by a
    multiple of 360 deg to sit over its exterior. ``source`` (a file name) and ``path`` (the JSON
    path of the coordinates, such as ``features[2].geometry.coordinates``) name the polygon in
    error messages; ring k is ``path[k]``.

    Raises InvalidInputError for an empty or degenerate ring, a ring that crosses or touches
    itself, a hole that crosses another ring or lies outside the exterior, and malformed positions.
    """

    exterior_deg: np.ndarray
    holes_deg: tuple = ()
    source: str | None = field(default=None, compare=False)
    path: str = field(default="polygon", compare=False)

    def __post_init__(self):
        exterior = _normalise_ring(self.exterior_deg, f"{self.path}[0]", self.source, allow_pole=True)
        holes = []
        for k, raw in enumerate(self.holes_deg, start=1):
            where = f"{self.path}[{k}]"
            hole = _shift_near(_normalise_ring(raw, where, self.source, allow_pole=False), exterior)
            for other_name, other in [("the exterior ring", exterior)] + [
                    (f"hole {m}", h) for m, h in enumerate(holes, start=1)]:
                hit = _first_meeting(hole[:-1], hole[1:], other[:-1], other[1:], skip_adjacent=False)
                if hit is not None:
                    lon, lat = _near(hole[hit[0]], hole[hit[0] + 1], other[hit[1]], other[hit[1] + 1])
                    raise _fail(f"self-intersecting polygon: this hole crosses or touches {other_name} near "
                                f"longitude {lon:.6g}, latitude {lat:.6g} deg", self.source, where)
            if not _ring_contains(exterior, hole[:1, 0], hole[:1, 1])[0]:
                raise _fail("this hole lies outside the polygon's exterior ring", self.source, where)
            holes.append(hole)
        object.__setattr__(self, "exterior_deg", exterior)
        object.__setattr__(self, "holes_deg", tuple(holes))

    def contains(self, latitude_deg, longitude_deg) -> np.ndarray:
        """Whether each point (degrees, any shape; longitudes of any turn) is inside the polygon.

        Inside the exterior and not inside a hole, by the half-open even-odd rule.
        """
        lat, lon = np.broadcast_arrays(np.asarray(latitude_deg, dtype=float), np.asarray(longitude_deg, dtype=float))
        lon = (lon + 180.0) % 360.0 - 180.0
        inside = _ring_contains(self.exterior_deg, lon, lat)
        for hole in self.holes_deg:
            idx = np.flatnonzero(inside)
            if idx.size:
                inside.flat[idx] &= ~_ring_contains(hole, lon.flat[idx], lat.flat[idx])
        return inside

    @property
    def latitude_range_deg(self) -> tuple[float, float]:
        """Smallest and largest latitude of the exterior ring (deg)."""
        return float(self.exterior_deg[:, 1].min()), float(self.exterior_deg[:, 1].max())


# --- areas -------------------------------------------------------------------------------------

class AreaKind(str, Enum):
    """What an Area is made of."""

    GLOBE = "globe"
    LATITUDE_BAND = "latitude_band"
    POLYGONS = "polygons"


@dataclass(frozen=True, eq=False)
class Area:
    """A region of the Earth's surface: the globe, a latitude band or a union of polygons.

    Build one with :meth:`globe`, :meth:`latitude_band` or :meth:`from_polygons` (or read GeoJSON
    with ``cosmodrome.io.geojson_areas``). Latitudes are geodetic, in degrees.
    """

    kind: AreaKind
    name: str
    min_latitude_deg: float = -90.0
    max_latitude_deg: float = 90.0
    polygons: tuple = ()

    def __post_init__(self):
        try:
            object.__setattr__(self, "kind", AreaKind(self.kind))
        except ValueError:
            raise InvalidInputError(f"expected one of {', '.join(k.value for k in AreaKind)}, got {self.kind!r}",
                                    field="kind") from None
        low, high = self.min_latitude_deg, self.max_latitude_deg
        for name, value in (("min_latitude_deg", low), ("max_latitude_deg", high)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not -90.0 <= value <= 90.0:
                raise InvalidInputError(f"latitude band: expected a latitude from -90 to 90 deg, got {value!r}",
                                        field=name)
        if not low < high:
            raise InvalidInputError(f"latitude band: the southern edge ({low} deg) must lie south of the "
                                    f"northern edge ({high} deg)", field="min_latitude_deg")
        polygons = tuple(self.polygons)
        if self.kind is AreaKind.POLYGONS:
            if not polygons:
                raise InvalidInputError("empty polygon: an area of polygons needs at least one polygon",
                                        field="polygons")
            for k, p in enumerate(polygons):
                if not isinstance(p, Polygon):
                    raise InvalidInputError(f"polygon {k}: expected a Polygon, got {type(p).__name__}",
                                            field="polygons")
        elif polygons:
            raise InvalidInputError(f"a {self.kind.value} area takes no polygons", field="polygons")
        object.__setattr__(self, "polygons", polygons)
        object.__setattr__(self, "min_latitude_deg", float(low))
        object.__setattr__(self, "max_latitude_deg", float(high))

    @classmethod
    def globe(cls) -> "Area":
        """The whole Earth."""
        return cls(AreaKind.GLOBE, "globe")

    @classmethod
    def latitude_band(cls, min_latitude_deg: float, max_latitude_deg: float, name: str | None = None) -> "Area":
        """Every longitude between two geodetic latitudes (deg, south edge first)."""
        label = name or f"latitude band {min_latitude_deg:g} to {max_latitude_deg:g} deg"
        return cls(AreaKind.LATITUDE_BAND, label, min_latitude_deg, max_latitude_deg)

    @classmethod
    def from_polygons(cls, polygons, name: str = "polygons") -> "Area":
        """The union of one or more :class:`Polygon`."""
        if isinstance(polygons, Polygon):
            polygons = (polygons,)
        return cls(AreaKind.POLYGONS, name, polygons=tuple(polygons))

    def contains(self, latitude_deg, longitude_deg) -> np.ndarray:
        """Whether each point (geodetic degrees, any shape) lies in the area (bool array)."""
        lat, lon = np.broadcast_arrays(np.asarray(latitude_deg, dtype=float), np.asarray(longitude_deg, dtype=float))
        if self.kind is AreaKind.POLYGONS:
            inside = np.zeros(lat.shape, dtype=bool)
            for polygon in self.polygons:
                inside |= polygon.contains(lat, lon)
            return inside
        return (lat >= self.min_latitude_deg) & (lat <= self.max_latitude_deg)

    def latitude_range_deg(self) -> tuple[float, float]:
        """Southern and northern limits (deg) of the area."""
        if self.kind is AreaKind.POLYGONS:
            ranges = np.array([p.latitude_range_deg for p in self.polygons])
            return float(ranges[:, 0].min()), float(ranges[:, 1].max())
        return self.min_latitude_deg, self.max_latitude_deg


# --- the grid ----------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Grid:
    """Points of an equal-area grid over an Area, each the centre of a cell with its exact area.

    Arrays of shape (n_points,): ``latitude_deg``, ``longitude_deg`` (geodetic, longitude in
    [-180, 180)), ``cell_area_m2`` and the cell edges ``south_deg``, ``north_deg``, ``west_deg``,
    ``east_deg``. ``resolution_deg``: the requested resolution; ``row_height_deg``: the actual
    height of the rows (at most the resolution). ``sphere_radius_m``: None on the WGS-84 ellipsoid,
    else the radius of the sphere the areas were computed on. The scheme is in the module docstring.
    """

    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    cell_area_m2: np.ndarray
    south_deg: np.ndarray
    north_deg: np.ndarray
    west_deg: np.ndarray
    east_deg: np.ndarray
    resolution_deg: float
    row_height_deg: float
    area: Area
    sphere_radius_m: float | None = None

    def __post_init__(self):
        n = np.shape(self.latitude_deg)
        for name in ("latitude_deg", "longitude_deg", "cell_area_m2", "south_deg", "north_deg", "west_deg",
                     "east_deg"):
            value = np.array(getattr(self, name), dtype=float)
            if value.shape != n or value.ndim != 1:
                raise InvalidInputError(f"grid: expected shape {n} like latitude_deg, got {value.shape}", field=name)
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def size(self) -> int:
        return int(self.latitude_deg.shape[0])

    def __len__(self) -> int:
        return self.size

    @property
    def latitude_rad(self) -> np.ndarray:
        return np.radians(self.latitude_deg)

    @property
    def longitude_rad(self) -> np.ndarray:
        return np.radians(self.longitude_deg)

    @property
    def total_area_m2(self) -> float:
        return float(np.sum(self.cell_area_m2))

    @property
    def weight(self) -> np.ndarray:
        """Each point's share of the grid's area (sums to 1)."""
        return self.cell_area_m2 / np.sum(self.cell_area_m2)

    @property
    def earth_model(self) -> str:
        if self.sphere_radius_m is None:
            return "WGS-84 ellipsoid"
        return f"sphere of radius {self.sphere_radius_m:.1f} m"

    def positions_itrs_m(self) -> np.ndarray:
        """Earth-fixed (ITRS) positions of the points on the surface (height 0), shape (n_points, 3), m."""
        lat, lon = self.latitude_rad, self.longitude_rad
        if self.sphere_radius_m is None:
            return geodetic_to_ecef(lat, lon, np.zeros_like(lat))
        r = self.sphere_radius_m
        return np.stack([r * np.cos(lat) * np.cos(lon), r * np.cos(lat) * np.sin(lon), r * np.sin(lat)], axis=-1)


def _check_resolution(resolution_deg) -> float:
    if isinstance(resolution_deg, bool) or not isinstance(resolution_deg, (int, float, np.integer, np.floating)) \
            or not math.isfinite(resolution_deg) or not MIN_RESOLUTION_DEG <= resolution_deg <= MAX_RESOLUTION_DEG:
        raise InvalidInputError(
            f"grid resolution must be a number of degrees from {MIN_RESOLUTION_DEG:g} to {MAX_RESOLUTION_DEG:g} "
            f"(finer than {MIN_RESOLUTION_DEG:g} deg the global grid exceeds 4 million points), got {resolution_deg!r}",
            field="resolution_deg")
    return float(resolution_deg)


def _rows(south_deg: float, north_deg: float, resolution_deg: float):
    """Row edges (deg) of rows of equal height, at most the resolution, filling [south, north]."""
    n_rows = max(1, math.ceil((north_deg - south_deg) / resolution_deg - 1e-9))
    return np.linspace(south_deg, north_deg, n_rows + 1)


def equal_area_grid(area: Area, resolution_deg: float, *, sphere_radius_m: float | None = None) -> Grid:
    """Equal-area grid of ``area`` at ``resolution_deg`` (module docstring for the scheme).

    ``sphere_radius_m``: None (default) for the WGS-84 ellipsoid, or the radius of a sphere.
    Returns a :class:`Grid`. Raises InvalidInputError for a resolution outside
    [MIN_RESOLUTION_DEG, MAX_RESOLUTION_DEG], a bad radius, or an area that holds no grid point
    at this resolution.
    """
    if not isinstance(area, Area):
        raise InvalidInputError(f"expected an Area, got {type(area).__name__}", field="area")
    resolution = _check_resolution(resolution_deg)
    if sphere_radius_m is not None and not (isinstance(sphere_radius_m, (int, float)) and sphere_radius_m > 0
                                            and math.isfinite(sphere_radius_m)):
        raise InvalidInputError(f"expected a positive radius in m, got {sphere_radius_m!r}", field="sphere_radius_m")
    if area.kind is AreaKind.LATITUDE_BAND:
        edges = _rows(area.min_latitude_deg, area.max_latitude_deg, resolution)
    else:
        edges = _rows(-90.0, 90.0, resolution)
        if area.kind is AreaKind.POLYGONS:
            low, high = area.latitude_range_deg()
            h = edges[1] - edges[0]
            first = max(0, int(math.floor((low + 90.0) / h)) - 1)
            last = min(len(edges) - 1, int(math.ceil((high + 90.0) / h)) + 1)
            edges = edges[first:last + 1]
    height_deg = float(edges[1] - edges[0])
    h_rad = math.radians(height_deg)
    if sphere_radius_m is None:
        sine = authalic_sine(np.radians(edges))
        radius = AUTHALIC_RADIUS_M
    else:
        sine = np.sin(np.radians(edges))
        radius = float(sphere_radius_m)
    zone = np.diff(sine)
    counts = np.maximum(1, np.round(2.0 * math.pi * zone / (h_rad * h_rad))).astype(np.int64)
    row = np.repeat(np.arange(len(counts)), counts)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    column = np.arange(row.size) - offsets[row]
    width = 360.0 / counts[row]
    west = -180.0 + column * width
    east = west + width
    south, north = edges[row], edges[row + 1]
    lat = 0.5 * (south + north)
    lon = 0.5 * (west + east)
    cell_area = 2.0 * math.pi * radius * radius * zone[row] / counts[row]
    if area.kind is AreaKind.POLYGONS:
        keep = area.contains(lat, lon)
        lat, lon, cell_area, south, north, west, east = (
            a[keep] for a in (lat, lon, cell_area, south, north, west, east))
        if lat.size == 0:
            raise InvalidInputError(
                f"no point of the {resolution:g} deg grid falls inside area {area.name!r}: use a finer "
                f"resolution (cells are about {height_deg * 111.2:.0f} km across)", field="resolution_deg")
    return Grid(lat, lon, cell_area, south, north, west, east, resolution, height_deg, area,
                None if sphere_radius_m is None else float(sphere_radius_m))
