package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import ballast.abi.Tokens;
import ballast.host.sharing.PageScanner;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingSettings;
import ballast.host.sharing.SharingWork;
import com.typesafe.config.ConfigFactory;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.List;

/**
 * Plays a host's deterministic tick without actors: simple guests (workload page i is PPN i, at
 * VPN 0x400 + i of process 0) whose ops a test queues, the hypervisor core, and a page-sharing
 * scanner whose work is applied after the guests', as the Hypervisor actor does. Every read is
 * predicted from the guests' own record and every invariant is checked after every tick.
 */
final class SharingHarness {
    static final CostTable COSTS = CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));

    final HypervisorCore core;
    final PageScanner scanner;
    final Guest[] guests;
    long tick;
    SharingWork lastWork;
    SharingResult lastSharing;
    final List<Refusal> refusals = new ArrayList<>();

    /** One simple guest: its mode, its p2m (para), the tokens it expects, and this tick's ops. */
    final class Guest {
        final int index;
        final TranslationMode mode;
        final long[] expected;
        final boolean[] mapped;
        int[] p2m;
        final LongArrayList ops = new LongArrayList();
        final LongArrayList values = new LongArrayList();
        final LongArrayList mmuKeys = new LongArrayList();
        final IntArrayList mmuMpns = new IntArrayList();
        final IntArrayList mmuPpns = new IntArrayList();
        long digest = Tokens.EMPTY_DIGEST;
        int reads;
        long mismatches;

        Guest(int index, TranslationMode mode, int pages) {
            this.index = index;
            this.mode = mode;
            this.expected = new long[pages];
            this.mapped = new boolean[pages];
        }

        static long key(int page) {
            return Ops.key(0, 0x400 + page);
        }

        /** Maps page {@code page} (PPN page) if needed and writes {@code token} to it. */
        Guest write(int page, long token) {
            if (!mapped[page]) {
                mapped[page] = true;
                if (mode == TranslationMode.PARA) {
                    mmuKeys.add(key(page));
                    mmuMpns.add(p2m[page]);
                    mmuPpns.add(page);
                } else {
                    ops.add(Ops.op(Ops.MAP, key(page)));
                    values.add(page);
                }
            }
            ops.add(Ops.op(Ops.WRITE, key(page)));
            values.add(token);
            expected[page] = token;
            return this;
        }

        Guest read(int page) {
            ops.add(Ops.op(Ops.READ, key(page)));
            digest = Tokens.fold(digest, expected[page]);
            reads++;
            return this;
        }

        TickResult apply() {
            List<MmuUpdate> mmu = mmuKeys.isEmpty() ? List.of()
                    : List.of(new MmuUpdate(mmuKeys.toLongArray(), mmuMpns.toIntArray(), mmuPpns.toIntArray()));
            TickResult r = core.apply(GuestWork.of(index, tick, mmu, ops.toLongArray(), values.toLongArray()));
            if (r.readDigest() != digest || r.reads() != reads) {
                mismatches += reads;
            }
            refusals.addAll(r.refusals());
            ops.clear();
            values.clear();
            mmuKeys.clear();
            mmuMpns.clear();
            mmuPpns.clear();
            digest = Tokens.EMPTY_DIGEST;
            reads = 0;
            return r;
        }

        /** What the hypervisor holds at each mapped page, against the record. */
        long auditMismatches() {
            LongArrayList keys = new LongArrayList();
            LongArrayList tokens = new LongArrayList();
            for (int p = 0; p < mapped.length; p++) {
                if (mapped[p]) {
                    keys.add(key(p));
                    tokens.add(expected[p]);
                }
            }
            return core.audit(index, keys.toLongArray(), tokens.toLongArray());
        }

        int mpn(int page) {
            return core.guest(index).pmap().mpn(page);
        }
    }

    SharingHarness(int hashBits, double scanPerSecond, int pages, TranslationMode... modes) {
        List<GuestSpec> specs = new ArrayList<>();
        for (int g = 0; g < modes.length; g++) {
            specs.add(new GuestSpec(g, "g" + g, modes[g], pages, 1));
        }
        SharingSettings sharing = new SharingSettings(true, scanPerSecond, scanPerSecond, SharingSettings.Order.RANDOM,
                hashBits, 0.1);
        HostSettings settings = new HostSettings("h", 3, pages * modes.length + 64, 16, 64, 1 << 20, 1 << 16, COSTS,
                specs, sharing);
        core = new HypervisorCore(settings);
        int[] sizes = new int[modes.length];
        guests = new Guest[modes.length];
        for (int g = 0; g < modes.length; g++) {
            sizes[g] = pages;
            guests[g] = new Guest(g, modes[g], pages);
            guests[g].p2m = core.boot(g, "g" + g, new Refusal[1]);
        }
        scanner = new PageScanner(sharing, sizes, 9);
    }

    /** Whether {@link #tick} ends each tick on the core too (reclamation and free-memory states run). */
    boolean endTicks;

    /** A harness over a host made by the test (its guests' sizes and modes from {@code settings}), scanning in order. */
    SharingHarness(HostSettings settings, boolean endTicks) {
        core = new HypervisorCore(settings);
        this.endTicks = endTicks;
        int n = settings.guests().size();
        int[] sizes = new int[n];
        guests = new Guest[n];
        for (int g = 0; g < n; g++) {
            GuestSpec spec = settings.guests().get(g);
            sizes[g] = spec.configuredPages();
            guests[g] = new Guest(g, spec.mode(), sizes[g]);
            guests[g].p2m = core.boot(g, spec.name(), new Refusal[1]);
        }
        scanner = new PageScanner(settings.sharing(), sizes, 9);
    }

    /** One tick: every guest's queued work in order, then the daemon's; notices; invariants. */
    void tick() {
        SharingWork work = scanner.plan(tick, null);
        lastWork = work;
        for (Guest g : guests) {
            g.apply();
        }
        lastSharing = core.applySharing(work);
        if (endTicks) {
            core.endTick();
        }
        assertThat(scanner.take(lastSharing)).isTrue();
        for (Guest g : guests) {
            int[][] notice = core.takeNotice(g.index);
            if (notice != null) {
                assertThat(g.mode).isEqualTo(TranslationMode.PARA);
                for (int i = 0; i < notice[0].length; i++) {
                    g.p2m[notice[0][i]] = notice[1][i];
                }
            }
        }
        assertThat(core.checkInvariants()).as("invariants after tick %d", tick).isEmpty();
        assertThat(scanner.checkConsistency()).as("daemon state after tick %d", tick).isNull();
        tick++;
    }

    void ticks(int n) {
        for (int i = 0; i < n; i++) {
            tick();
        }
    }

    long mismatches() {
        long m = 0;
        for (Guest g : guests) {
            m += g.mismatches + g.auditMismatches();
        }
        return m;
    }
}
