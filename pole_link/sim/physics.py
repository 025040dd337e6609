"""The virtual pole's charging physics, driven by its one event scheduler.

Offers come from the load balancer; vehicles follow a new offer only after their
response delay; meters integrate each phase at every change of current. All of it
runs as events on the pole's clock, so a `SimClock` jump replays every offer change,
vehicle response and meter step in order, exactly as it would have happened live —
there is no coarse tick that could hide a moment where the limit was exceeded.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from pole_link.model.balancer import BalancerConfig, LimitStep, LoadBalancer, SocketDemand
from pole_link.model.lowcurrent import LowCurrentDetector, LowCurrentState
from pole_link.profiles import composite
from pole_link.profiles.charging_profile import ProfileStore
from pole_link.sim.clock import EventScheduler, ScheduledEvent
from pole_link.sim.configuration import ConfigurationStore
from pole_link.sim.sockets import NOMINAL_VOLTAGE_V, Socket
from pole_link.sim.vehicles import VEHICLES

LOGGER = logging.getLogger(__name__)

ASSUMED_RESPONSE_DELAY_S = 5.0
"""The pole cannot know a vehicle's delay, so it plans for IEC 61851-1's worst case."""
LOOKAHEAD_STEPS = 2

LowCurrentReport = Callable[[Socket, datetime], None]


class ChargingPhysics:
    """Offers, vehicle responses, meters and the eis 30 detector of one pole."""

    def __init__(
        self,
        sockets: list[Socket],
        scheduler: EventScheduler,
        configuration: ConfigurationStore,
        profiles: ProfileStore,
        *,
        powered: Callable[[], bool],
        on_low_current_vehicle: LowCurrentReport | None = None,
        on_reviewed: Callable[[], None] | None = None,
    ) -> None:
        self.sockets = sockets
        self.scheduler = scheduler
        self.clock = scheduler.clock
        self.configuration = configuration
        self.profiles = profiles
        self._powered = powered
        self._report_low_current = on_low_current_vehicle
        self._on_reviewed = on_reviewed
        self._epoch = self.clock.now()
        self.balancer = LoadBalancer(self._balancer_config())
        self.detectors = {s.connector_id: LowCurrentDetector() for s in sockets}
        self.limit_a = self.grid_limit_a()
        self._review: ScheduledEvent | None = None
        self._told: dict[int, tuple[int, float]] = {}
        """(plug count, offer) each socket's vehicle was last shown."""
        self._metered_until = self.clock.now()

    # ------------------------------------------------------------ time
    def seconds(self, moment: datetime) -> float:
        """Pole time as the balancer's float seconds."""
        return (moment - self._epoch).total_seconds()

    def moment(self, seconds: float) -> datetime:
        return self._epoch + timedelta(seconds=seconds)

    # ------------------------------------------------------------ configuration
    def grid_limit_a(self) -> float:
        return float(self.configuration.int_value("GridConnectionMaxCurrent"))

    def _balancer_config(self) -> BalancerConfig:
        return BalancerConfig(
            response_delay_s=ASSUMED_RESPONSE_DELAY_S,
            grid_limit_a=self.grid_limit_a(),
            overrule_limit_a=float(self.configuration.int_value("PeakLimitOverrule")),
        )

    def configuration_changed(self) -> None:
        self.balancer.config = self._balancer_config()

    # ------------------------------------------------------------ meters
    def meter(self) -> None:
        """Integrate every socket's phases up to now at the currents that flowed."""
        now = self.clock.now()
        hours = max(0.0, (now - self._metered_until).total_seconds()) / 3600
        if hours:
            for socket in self.sockets:
                for phase, amps in enumerate(socket.current_a):
                    socket.phase_energy_wh[phase] += amps * NOMINAL_VOLTAGE_V * hours
        self._metered_until = now

    def _set_current(self, socket: Socket, amps_per_phase: float) -> None:
        self.meter()
        phases = VEHICLES[socket.ev_type].phases if socket.ev_type else 0
        socket.current_a = [amps_per_phase if p < phases else 0.0 for p in range(3)]

    # ------------------------------------------------------------ the balancer
    def _pole_limit(self, now: datetime) -> float:
        limit = composite.limit_at(self.profiles, 0, now)
        return self.grid_limit_a() if limit is None else limit

    def _upcoming(self, now: datetime) -> list[LimitStep]:
        steps: list[LimitStep] = []
        moment = now
        for _ in range(LOOKAHEAD_STEPS):
            following = composite.next_change_after(self.profiles, 0, moment)
            if following is None:
                break
            steps.append(LimitStep(self.seconds(following), self._pole_limit(following)))
            moment = following
        return steps

    def _demand(self, socket: Socket, now: datetime) -> SocketDemand:
        tx = socket.transaction
        active = (tx is not None and not tx.refused and socket.ev_type is not None
                  and socket.fault is None and socket.operative_for_charging and self._powered())
        tx_limit = None
        if tx is not None:
            tx_limit = composite.transaction_limit_at(
                self.profiles, socket.connector_id, now, transaction_start=tx.started,
                transaction_id=tx.id)
        detector = self.detectors[socket.connector_id]
        return SocketDemand(
            connector_id=socket.connector_id,
            active=active,
            phases=VEHICLES[socket.ev_type].phases if socket.ev_type else 3,
            actual_a=max(socket.current_a),
            tx_limit_a=tx_limit,
            overruled=bool(tx and tx.overruled),
            low_current_vehicle=active and detector.treat_as_overrule,
            started_at=self.seconds(tx.started) if tx else None,
            vehicle_present=socket.ev_type is not None,
        )

    def review(self) -> None:
        """Decide offers now; schedule vehicle responses and the next review."""
        now = self.clock.now()
        self.meter()
        for socket in self.sockets:
            # No vehicle, no transaction, a trip or no mains: the current is gone at once.
            if any(socket.current_a) and not self._may_draw(socket):
                self._set_current(socket, 0.0)
        at = self.seconds(now)
        for socket in self.sockets:
            self._watch_low_current(socket, at)
        allocation = self.balancer.allocate(
            at, [self._demand(s, now) for s in self.sockets], self._pole_limit(now),
            self._upcoming(now),
            overrule_limit_a=float(self.configuration.int_value("PeakLimitOverrule")))
        self.limit_a = allocation.limit_a
        for socket in self.sockets:
            offer = allocation.offers_a.get(socket.connector_id, 0.0)
            socket.offered_a = offer
            # A vehicle reacts to a new offer, and a newly plugged one to the offer it finds.
            if (socket.plug_count, offer) != self._told.get(socket.connector_id):
                self._told[socket.connector_id] = (socket.plug_count, offer)
                self._vehicle_responds_later(socket, offer)
        review_at = allocation.next_review_at
        for socket in self.sockets:
            check = self._watch_low_current(socket, at)
            if check is not None and (review_at is None or check < review_at):
                review_at = check
        self._schedule_review(review_at)
        if self._on_reviewed is not None:
            self._on_reviewed()

    def _may_draw(self, socket: Socket) -> bool:
        return (socket.ev_type is not None and socket.transaction is not None
                and not socket.transaction.refused and socket.fault is None and self._powered())

    def _vehicle_responds_later(self, socket: Socket, offer: float) -> None:
        if socket.ev_type is None:
            return
        vehicle = socket.plug_count

        def respond() -> None:
            if socket.plug_count != vehicle or socket.ev_type is None:
                return  # a different vehicle by now
            draw = VEHICLES[socket.ev_type].draw_a(offer) if self._may_draw(socket) else 0.0
            self._set_current(socket, draw)
            self.review()

        self.scheduler.call_later(socket.response_delay_s, respond, name="vehicle responds")

    def _schedule_review(self, at: float | None) -> None:
        if self._review is not None:
            self._review.cancel()
            self._review = None
        if at is not None:
            when = max(self.moment(at), self.clock.now())
            self._review = self.scheduler.call_at(when, self.review, name="balancer review")

    # ------------------------------------------------------------ eis 30
    def _watch_low_current(self, socket: Socket, at: float) -> float | None:
        """Feed the detector; returns when it wants to look again."""
        detector = self.detectors[socket.connector_id]
        tx = socket.transaction
        if tx is None:
            detector.reset()
            return None
        before = detector.state
        detector.update(at, socket.offered_a, max(socket.current_a))
        confirmed = detector.state is LowCurrentState.CONFIRMED
        if confirmed and before is not LowCurrentState.CONFIRMED:
            LOGGER.info("connector %d: low-current vehicle (eis 30)", socket.connector_id)
            if self._report_low_current is not None:
                self._report_low_current(socket, self.clock.now())
        # Flagged once proven; the overrule treatment already applies while suspected.
        tx.low_current_vehicle = confirmed
        return detector.next_check_at
