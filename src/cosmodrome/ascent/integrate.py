"""Fixed-step Runge-Kutta integration of many trajectories at once.

Fourth-order Runge-Kutta (Kutta 1901). The ascent needs exact stage boundaries rather than step
size control: the flight code steps to each event time (burn-out is known from the mass flow), so
a fixed step between events keeps every trajectory of a batch on the same time grid.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Derivative = Callable[[float, np.ndarray], np.ndarray]


def rk4_step(f: Derivative, t_s: float, y: np.ndarray, dt_s: float) -> np.ndarray:
    """One classical RK4 step of dy/dt = f(t, y) from t_s to t_s + dt_s."""
    k1 = f(t_s, y)
    k2 = f(t_s + 0.5 * dt_s, y + 0.5 * dt_s * k1)
    k3 = f(t_s + 0.5 * dt_s, y + 0.5 * dt_s * k2)
    k4 = f(t_s + dt_s, y + dt_s * k3)
    return y + (dt_s / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def rk4_grid(f: Derivative, t0_s: float, y0: np.ndarray, t1_s: float, max_step_s: float):
    """Integrate from t0 to t1 in equal steps no longer than max_step_s; returns (times, states)
    with states of shape (steps + 1, *y0.shape)."""
    steps = max(1, int(np.ceil((t1_s - t0_s) / max_step_s - 1e-12)))
    dt = (t1_s - t0_s) / steps
    times = t0_s + dt * np.arange(steps + 1)
    out = np.empty((steps + 1, *np.shape(y0)))
    out[0] = y0
    y = y0
    for k in range(steps):
        y = rk4_step(f, times[k], y, dt)
        out[k + 1] = y
    return times, out
