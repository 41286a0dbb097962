package ballast.scheduler.migration;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.host.control.HostReclaim;
import ballast.host.control.HostStats;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreeStatesHotspotTest {
    static final HotspotSettings TWO_SECONDS = new HotspotSettings(true, List.of("hard", "low"), 2.0);

    /** A host with {@code free} free frames in {@code state}; back in high at 6000 free frames. */
    static HostStats host(String state, long free) {
        HostReclaim r = new HostReclaim(state, 0, 0, 0, 0, "shares", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6000, 4000, 2000, 1000);
        return new HostStats(100_000, free, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, r);
    }

    static final Map<String, List<HotspotPolicy.GuestLoad>> GUESTS = Map.of("a", List.of(
            new HotspotPolicy.GuestLoad("big", 50_000), new HotspotPolicy.GuestLoad("mid", 5_000),
            new HotspotPolicy.GuestLoad("small", 1_000), new HotspotPolicy.GuestLoad("mid-2", 5_000)));

    @Test
    void aHostMustStayHotForTheConfiguredTimeBeforeAGuestMoves() {
        HotspotPolicy p = new FreeStatesHotspot(TWO_SECONDS, 0.1);
        assertThat(p.observe(10, Map.of("a", host("hard", 1500)), GUESTS, Set.of())).isEmpty();
        assertThat(p.observe(29, Map.of("a", host("low", 500)), GUESTS, Set.of())).isEmpty();
        // 20 ticks of 100 ms in hard or low: the smallest guest covering the 4500 missing pages goes, by name
        assertThat(p.observe(30, Map.of("a", host("hard", 1500)), GUESTS, Set.of()))
                .containsExactly(new HotspotPolicy.Decision("a", "mid"));
        // and the clock starts again
        assertThat(p.observe(31, Map.of("a", host("hard", 1500)), GUESTS, Set.of())).isEmpty();
    }

    @Test
    void aHostThatRecoversInBetweenStartsAgain() {
        HotspotPolicy p = new FreeStatesHotspot(TWO_SECONDS, 0.1);
        p.observe(0, Map.of("a", host("hard", 1500)), GUESTS, Set.of());
        p.observe(15, Map.of("a", host("soft", 3000)), GUESTS, Set.of());
        assertThat(p.observe(20, Map.of("a", host("hard", 1500)), GUESTS, Set.of())).isEmpty();
        assertThat(p.observe(39, Map.of("a", host("hard", 1500)), GUESTS, Set.of())).isEmpty();
        assertThat(p.observe(40, Map.of("a", host("hard", 1500)), GUESTS, Set.of())).hasSize(1);
    }

    @Test
    void aBusyHostOrADisabledTriggerMovesNothing() {
        HotspotPolicy p = new FreeStatesHotspot(TWO_SECONDS, 0.1);
        p.observe(0, Map.of("a", host("low", 10)), GUESTS, Set.of());
        assertThat(p.observe(100, Map.of("a", host("low", 10)), GUESTS, Set.of("a"))).isEmpty();
        HotspotPolicy off = new FreeStatesHotspot(HotspotSettings.DISABLED, 0.1);
        off.observe(0, Map.of("a", host("low", 10)), GUESTS, Set.of());
        assertThat(off.observe(1000, Map.of("a", host("low", 10)), GUESTS, Set.of())).isEmpty();
    }

    @Test
    void withoutAGuestCoveringTheDeficitTheLargestGoes() {
        assertThat(FreeStatesHotspot.relieve(60_000, GUESTS.get("a"))).isEqualTo("big");
        assertThat(FreeStatesHotspot.relieve(1, GUESTS.get("a"))).isEqualTo("small");
        assertThat(FreeStatesHotspot.relieve(10, List.of())).isNull();
        assertThat(FreeStatesHotspot.deficitPages(host("hard", 7000))).isEqualTo(1);
    }
}
