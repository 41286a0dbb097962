package ballast.host;

import static ballast.host.ReclaimHosts.host;
import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TranslationMode;
import ballast.guest.ContentSettings;
import ballast.guest.GuestMemorySettings;
import ballast.guest.GuestSettings;
import ballast.guest.OsProfile;
import ballast.guest.os.GuestOs;
import ballast.guest.workload.Phase;
import ballast.guest.workload.WorkloadSettings;
import ballast.host.ReclaimHosts.Kind;
import ballast.host.hotplug.HotplugSpec;
import ballast.host.reclaim.ReclaimSettings;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of memory hotplug under reclamation: over-committed hosts (balloons following the
 * hypervisor's targets, host paging, share before swap on half the runs) whose guest OSes have
 * hotplug devices and working sets that grow and shrink (their processes freeing what they no
 * longer use), resized at random toward more or less memory. After every tick: every read of
 * every guest verified against its own record (migrated pages included), the only refusals those
 * a balloon call may get, every invariant holds (unplugged PPNs unbacked and unmapped), and now and
 * then every page in memory audits clean; the guest and the hypervisor agree on what is plugged.
 */
class RandomizedHotplugTest {
    static final int RUNS = 30;
    static final int TICKS = 80;
    static final int PAGES = 1024;

    @Test
    void contentsAndInvariantsHoldThroughRandomPlugsUnplugsAndReclamation() {
        long[] totals = new long[5];
        for (long seed = 1; seed <= RUNS; seed++) {
            long[] f = play(seed);
            for (int i = 0; i < totals.length; i++) {
                totals[i] += f[i];
            }
        }
        assertThat(totals[0]).as("blocks plugged").isPositive();
        assertThat(totals[1]).as("blocks unplugged").isPositive();
        assertThat(totals[2]).as("pages migrated").isPositive();
        assertThat(totals[3]).as("unplugs busy").isPositive();
        assertThat(totals[4]).as("host swap-outs").isPositive();
        System.out.printf("randomized hotplug: %d runs of %d ticks, %d blocks plugged, %d unplugged, %d pages migrated,"
                + " %d unplugs busy, %d host swap-outs%n", RUNS, TICKS, totals[0], totals[1], totals[2], totals[3], totals[4]);
    }

    /** A guest OS with a 16-page-block device, and a balloon driver that follows the hypervisor's target. */
    static final class Guest {
        final GuestOs os;
        final int index;
        final int block;
        final IntArrayList held = new IntArrayList();
        int[] releaseNext = new int[0];

        Guest(GuestOs os, int index, int block) {
            this.os = os;
            this.index = index;
            this.block = block;
        }
    }

    static long[] play(long seed) {
        SplittableRandom random = new SplittableRandom(seed * 104_729);
        String[] policies = {"shares", "idle-tax", "working-set"};
        ReclaimSettings reclaim = new ReclaimSettings(true, policies[(int) (seed % 3)], 0.75, 0.25, 0.5, 0.3, 16,
                0.16, 0.12, 0.08, 0.04, 0.01, 4096, 1000, 200, 0, 0.1);
        boolean sharing = seed % 2 == 0;
        int block = 8 << random.nextInt(3); // 8, 16 or 32 pages
        int[] plugged = {block * (8 + random.nextInt(PAGES / block - 8)), block * (8 + random.nextInt(PAGES / block - 8))};
        Kind first = seed % 4 < 2 ? Kind.FULL : Kind.NESTED_SHADOW;
        HypervisorCore core = new HypervisorCore(host(1200 + random.nextInt(400), 8, reclaim, sharing,
                first.spec(0, PAGES).withHotplug(new HotplugSpec(block, plugged[0])),
                Kind.NESTED.spec(1, PAGES).withHotplug(new HotplugSpec(block, plugged[1]))));
        Guest[] guests = new Guest[2];
        for (int i = 0; i < 2; i++) {
            TranslationMode mode = core.settings().guests().get(i).mode();
            WorkloadSettings work = new WorkloadSettings("phases", List.of(
                    Phase.uniform(0.5 + random.nextDouble() * 2, 100 + random.nextInt(700), 4000, 0.4),
                    Phase.uniform(0.5 + random.nextDouble() * 2, 50 + random.nextInt(300), 4000, 0.4),
                    Phase.uniform(Double.POSITIVE_INFINITY, 100 + random.nextInt(800), 4000, 0.4)));
            GuestSettings settings = new GuestSettings("g" + i, "h", i, "linux", mode, PAGES, 1, seed * 31 + i, 0.1,
                    new ContentSettings("linux", 0.25, 0.1), work, OsProfile.NONE,
                    new GuestMemorySettings(true, 32, 2, (int) (0.65 * PAGES), 1.0)
                            .withReporting(false, 9, 20, 32, true).withHotplug(block, plugged[i], 1 + random.nextInt(4)));
            GuestOs os = new GuestOs(settings);
            Refusal[] refusal = new Refusal[1];
            os.booted(core.boot(i, "g" + i, refusal));
            guests[i] = new Guest(os, i, block);
        }
        for (int t = 0; t < TICKS; t++) {
            for (Guest g : guests) {
                if (random.nextInt(8) == 0) {
                    int blocks = PAGES / block;
                    assertThat(core.resize(g.index, (long) block * (blocks / 8 + random.nextInt(blocks - blocks / 8 + 1))))
                            .isNull();
                }
                tick(core, g, t, random);
            }
            core.endTick();
            assertThat(core.checkInvariants()).as("seed %d tick %d", seed, t).isEmpty();
            if (t % 10 == 9) {
                for (Guest g : guests) {
                    assertThat(core.audit(g.index, g.os.audit().keys(), g.os.audit().tokens()))
                            .as("seed %d tick %d guest %d audit", seed, t, g.index).isZero();
                }
            }
        }
        long[] f = new long[5];
        for (Guest g : guests) {
            f[0] += g.os.blocksPlugged();
            f[1] += g.os.blocksUnplugged();
            f[2] += g.os.pagesMigrated();
            f[3] += g.os.unplugBusy();
            assertThat(g.os.counters().readMismatches()).isZero();
            long hostPlugged = core.guest(g.index).hotplug().pluggedPages();
            assertThat(hostPlugged).as("seed %d: the host counts what the guest plugged, or is unplugging", seed)
                    .isGreaterThanOrEqualTo(g.os.pluggedPages());
        }
        f[4] = core.hostStats().reclaim().swapOuts();
        return f;
    }

    /** One tick of guest {@code g}: its requested size, its balloon driver's orders, its work, checked. */
    static void tick(HypervisorCore core, Guest g, long t, SplittableRandom random) {
        TickStart start = core.tickStart(g.index, t, false);
        g.os.requestMemory(start.requestedPages(), t);
        int target = core.balloonTarget(g.index);
        int balloon = g.held.size();
        int pin = 0;
        int[] deflate = new int[0];
        if (target > balloon) {
            pin = Math.min(32, target - balloon);
        } else if (target < balloon) {
            int n = Math.min(32, balloon - target);
            deflate = new int[n];
            for (int k = 0; k < n; k++) {
                deflate[k] = g.held.getInt(g.held.size() - 1 - k);
            }
        }
        GuestOs.Work w = g.os.generate(t, 100, new GuestOs.BalloonOrders(g.releaseNext, pin, deflate), false);
        TickResult r = core.apply(new GuestWork(g.index, t, w.mmuUpdates(), w.opBuffer(), w.opCount(), w.valueBuffer(),
                w.valueCount(), w.kernel(), w.reservation(), w.load(), w.reports(), w.hotplug()));
        // a balloon call may be refused; a plug too when the request shrank since the guest read it (the guest reverts it)
        assertThat(r.refusals()).as("tick %d guest %d: only balloon calls and late plugs may be refused", t, g.index)
                .allMatch(x -> x.index() == -1 && (x.reason() == RefusalReason.BALLOON_CAP
                        || x.reason() == RefusalReason.NOT_BALLOONED || x.reason() == RefusalReason.ALREADY_BALLOONED)
                        || x.index() == 0 && x.reason() == RefusalReason.OVER_REQUESTED);
        assertThat(g.os.verify(r)).as("tick %d guest %d reads", t, g.index).isTrue();
        // the driver's side: what the balloon now holds, and what the guest OS gets back next tick
        IntArrayList release = new IntArrayList();
        int[] pinned = w.pinned();
        boolean inflated = (r.balloonStatus() & TickResult.INFLATE_REFUSED) == 0;
        if ((r.balloonStatus() & TickResult.POPPED) != 0) {
            release.addElements(0, g.held.toIntArray());
            g.held.clear();
        } else if ((r.balloonStatus() & TickResult.DEFLATE_REFUSED) == 0) {
            for (int ppn : deflate) {
                g.held.rem(ppn);
                release.add(ppn);
            }
        }
        if (inflated) {
            g.held.addElements(g.held.size(), pinned);
        } else {
            release.addElements(release.size(), pinned);
        }
        g.releaseNext = release.toIntArray();
    }
}
