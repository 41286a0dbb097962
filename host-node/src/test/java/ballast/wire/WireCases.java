package ballast.wire;

import ballast.host.HostSettings;
import ballast.host.migration.AdmitGuest;
import ballast.host.migration.CancelMigration;
import ballast.host.migration.DirtyPages;
import ballast.host.migration.InstallGuest;
import ballast.host.migration.MigrationReply;
import ballast.host.migration.PageBatch;
import ballast.host.migration.PageBatchAck;
import ballast.host.migration.SendRound;
import ballast.host.migration.TrackWrites;
import ballast.abi.Audit;
import ballast.abi.Boot;
import ballast.abi.BootRefused;
import ballast.abi.Booted;
import ballast.abi.GuestCounters;
import ballast.abi.KernelActivity;
import ballast.abi.KernelEvent;
import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.RefusalReason;
import ballast.abi.TickAck;
import ballast.abi.TickResult;
import ballast.abi.TickStart;
import ballast.abi.TickWork;
import ballast.abi.ToGuest;
import ballast.abi.TranslationMode;
import ballast.host.control.GuestStats;
import ballast.host.cpu.CpuAccount;
import ballast.host.control.HostStats;
import ballast.host.control.HostTickDone;
import ballast.abi.Reservation;
import ballast.host.control.GuestGone;
import ballast.host.control.GuestReclaim;
import ballast.host.control.HostReclaim;
import ballast.host.control.Reconfigure;
import ballast.host.control.Reconfigured;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.control.RunFree;
import ballast.host.control.RunTick;
import ballast.abi.Tokens;
import ballast.abi.RemapNotice;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingCounters;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.SharingWork;
import ballast.host.sharing.ToDaemon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * Sample instances of every wire message, with edge values (empty and large arrays, extreme
 * numbers, every refusal reason, non-ASCII text, null where the ABI allows it).
 */
final class WireCases {
    private WireCases() {
    }

    /** Named wire messages, in a stable order. */
    static Map<String, WireMessage> messages(ActorRef<ToGuest> guest, ActorRef<HostTickDone> clock) {
        SplittableRandom random = new SplittableRandom(5L);
        Map<String, WireMessage> m = new LinkedHashMap<>();
        m.put("Boot", new Boot(0, "alpha", guest));
        m.put("Boot non-ASCII name", new Boot(1023, "gäst-名前-\u00e9", guest));
        m.put("Booted empty p2m", new Booted(0, new int[0]));
        int[] p2m = random.ints(5000, 0, Integer.MAX_VALUE).toArray();
        p2m[0] = Integer.MIN_VALUE;
        p2m[1] = -1;
        m.put("Booted large p2m", new Booted(2, p2m));
        m.put("BootRefused", new BootRefused(3, RefusalReason.UNKNOWN_GUEST, "no guest 3 on host h"));
        m.put("BootRefused null detail", new BootRefused(-1, RefusalReason.ALREADY_BOOTED, null));
        m.put("TickStart", new TickStart(0, false));
        m.put("TickStart extreme", new TickStart(Long.MAX_VALUE, true));
        m.put("TickStart with a pace", new TickStart(9, false, 300, true, new ballast.abi.Pace(1_234_567, 89)));
        m.put("TickWork with a load", new TickWork(0, 2, List.of(), new long[] {Ops.op(Ops.READ, 0, 9)}, 1, new long[0], 0,
                null, null, guest, new ballast.abi.TickLoad(500, 1, 3, false)));
        m.put("TickWork empty", new TickWork(0, 1, List.of(), new long[0], new long[0], guest));
        long[] events = new long[KernelEvent.COUNT];
        for (int i = 0; i < events.length; i++) {
            events[i] = 1000L * i + 7;
        }
        m.put("TickWork with kernel activity", new TickWork(2, 3, List.of(), new long[] {Ops.op(Ops.READ, 0, 9)},
                new long[0], new KernelActivity(123_456_789L, events,
                        new long[] {KernelActivity.blockRun(4, 10), KernelActivity.blockRun(9, 1)}), guest));
        long[] ops = new long[20_000];
        long[] values = new long[10_000];
        for (int i = 0; i < ops.length; i++) {
            ops[i] = Ops.op(i % 2 == 0 ? Ops.WRITE : Ops.READ, i % 7, random.nextLong(1L << 36));
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextLong();
        }
        m.put("TickWork large with mmu_updates", new TickWork(1, 99, List.of(
                new MmuUpdate(new long[] {Ops.key(0, 1), Ops.key(1, 0xfffffffffL)}, new int[] {17, MmuUpdate.CLEAR}),
                new MmuUpdate(new long[0], new int[0]),
                new MmuUpdate(new long[] {Ops.KEY_MASK}, new int[] {Integer.MAX_VALUE})), ops, values, guest));
        List<MmuUpdate> arrayList = new ArrayList<>();
        arrayList.add(new MmuUpdate(new long[] {-1L}, new int[] {-2}));
        m.put("TickWork ArrayList of one hostile mmu_update", new TickWork(-5, Long.MIN_VALUE, arrayList,
                new long[] {-1L, Long.MIN_VALUE}, new long[] {Long.MAX_VALUE}, guest));
        long[] opBuffer = new long[4096];
        long[] valueBuffer = new long[2048];
        java.util.Arrays.fill(opBuffer, Ops.op(Ops.READ, 3, 0xdead));
        java.util.Arrays.fill(valueBuffer, Long.MIN_VALUE);
        opBuffer[0] = Ops.op(Ops.WRITE, 0, 1);
        opBuffer[1] = Ops.op(Ops.READ, 1, 2);
        valueBuffer[0] = 42;
        m.put("TickWork reused buffers longer than the tick", new TickWork(0, 6, List.of(), opBuffer, 2, valueBuffer, 1,
                null, null, guest));
        m.put("TickWork reused buffers, nothing counted", new TickWork(0, 7, List.of(), opBuffer, 0, valueBuffer, 0,
                null, null, guest));
        m.put("TickStart with balloon target and stall", new TickStart(5, false, Integer.MAX_VALUE, true));
        m.put("TickWork with reservation", new TickWork(0, 4, List.of(), new long[0], new long[0], null,
                new Reservation(new int[] {1, 2}, new int[] {3, Integer.MAX_VALUE}, new int[0]), guest));
        m.put("TickWork with free page reports", new TickWork(0, 8, List.of(), new long[] {Ops.op(Ops.UNMAP, 0, 9)}, 1,
                new long[0], 0, null, null, guest, null, List.of(new ballast.abi.FreePageReport(9, new int[] {0, 512, 1024}),
                        new ballast.abi.FreePageReport(0, new int[] {Integer.MAX_VALUE}))));
        m.put("TickResult refused reports", new TickResult(8, 0, 0, List.of(new Refusal(RefusalReason.BLOCK_NOT_ALIGNED, 1,
                "free page report 1")), 0, 1L << 63 | 2L));
        m.put("TickWork with memory hotplug requests", new TickWork(0, 9, List.of(), new long[0], 0, new long[0], 0, null,
                null, guest, null, List.of(), List.of(new ballast.abi.MemoryHotplug(true, 512, new int[] {0, 512}),
                        new ballast.abi.MemoryHotplug(false, 1024, new int[] {Integer.MAX_VALUE}))));
        m.put("TickResult refused hotplug", new TickResult(9, 0, 0, List.of(new Refusal(RefusalReason.OVER_REQUESTED, 0,
                "plug request 0")), 0, 0L, 1L << 63 | 1L));
        m.put("TickStart with a requested hotplug size", new TickStart(9, false, 0, false, null, 98_304));
        m.put("ResizeMemory", new ballast.host.control.ResizeMemory("vm-1", 98_304, null));
        m.put("TickResult popped", new TickResult(4, 0, 0, List.of(), TickResult.POPPED | TickResult.INFLATE_REFUSED));
        m.put("TickResult no refusals", new TickResult(1, Tokens.EMPTY_DIGEST, 0, List.of()));
        List<Refusal> all = new ArrayList<>();
        for (RefusalReason r : RefusalReason.values()) {
            all.add(new Refusal(r, r.ordinal() - 1, r.name() + " detail"));
        }
        m.put("TickResult every refusal reason", new TickResult(Long.MAX_VALUE, 0x8000_0000_0000_0001L, Integer.MAX_VALUE,
                List.copyOf(all)));
        m.put("TickResult one refusal", new TickResult(2, -1L, 1, List.of(new Refusal(RefusalReason.NOT_SENDER, -1, null))));
        m.put("TickAck without audit", new TickAck(0, 1, GuestCounters.ZERO, null, guest));
        long[] keys = random.longs(10_000, 0, Ops.KEY_MASK + 1).toArray();
        long[] tokens = random.longs(10_000).toArray();
        m.put("TickAck with audit", new TickAck(1, 7, new GuestCounters(Long.MAX_VALUE, 1, 2, 3, 4, Long.MIN_VALUE),
                new Audit(keys, tokens), guest));
        m.put("TickAck with empty audit", new TickAck(1, 8, GuestCounters.ZERO, new Audit(new long[0], new long[0]), guest));
        m.put("RunTick", new RunTick(7, true, false, clock));
        m.put("RunTick audit", new RunTick(Long.MAX_VALUE, false, true, clock));
        m.put("RunFree", new RunFree(600, 64, clock));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<Reconfigured> reconfigured = (ActorRef) clock;
        m.put("Reconfigure", new Reconfigure(ReclaimSettings.DISABLED.withPolicy("shares", 0.5), reconfigured));
        m.put("Reconfigured", new Reconfigured("host-a", null));
        m.put("Reconfigured refused", new Reconfigured("host-a", "tau must be in [0, 1): 1.0"));
        m.put("GuestGone", new GuestGone(3, true));
        m.put("GuestGone stopped by the scenario", GuestGone.stoppedByScenario(3));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<GuestGone.RestartDue> agent = (ActorRef) guest;
        m.put("GuestGone restart after a backoff", GuestGone.restartAfter(3, 4, agent));
        m.put("RestartDue", new GuestGone.RestartDue(3, "web-1"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<ballast.host.migration.FreeMigration.GuestHeld> holder = (ActorRef) guest;
        m.put("HoldGuest", new ballast.host.migration.FreeMigration.HoldGuest(2, "web-2", holder));
        m.put("GuestHeld", new ballast.host.migration.FreeMigration.GuestHeld("web-2", 17));
        m.put("JoinRun", new ballast.host.migration.FreeMigration.JoinRun(5, 17));
        m.put("ReleaseEnd", new ballast.host.migration.FreeMigration.ReleaseEnd());
        m.put("HoldEnd", new ballast.host.migration.FreeMigration.HoldEnd());
        m.put("StopFree", new ballast.host.control.StopFree());
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<ToDaemon> daemon = (ActorRef) guest; // any resolvable reference does for the wire
        m.put("SharingTickStart", new SharingTickStart(12));
        m.put("SharingWork", new SharingWork(12, new long[] {SharingWork.page(1, 5), SharingWork.page(0, 7)},
                new long[] {-3L, 99L}, new int[] {-1, 17}, new int[] {2, 3}, new long[] {1L, 2L, SharingWork.page(2, 0)},
                new int[] {-1, 8, 9}, daemon));
        m.put("SharingResult", new SharingResult(12, new byte[] {0, 1, 2, 3}, new int[] {-1, 4, 5, -1},
                new long[] {0, Long.MIN_VALUE, 7, 0}, new byte[] {0, 1, 2, 3, 4, 5}, new int[] {17, -1}, new int[] {3},
                new long[] {44L}));
        m.put("SharingAck", new SharingAck(12, new SharingCounters(1000, 20, 3, 2), daemon));
        m.put("RemapNotice", new RemapNotice(12, new int[] {1, 2}, new int[] {30, 31}));
        m.put("HostTickDone empty", new HostTickDone("h", 0, new HostStats(0, 0, 0, 0, 0), List.of(), 0, List.of()));
        m.put("HostTickDone with guests and violations", new HostTickDone("host-\u00fc", 42,
                new HostStats(262_144, 100_000, 150_000, 12_144, 5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                        new HostReclaim("soft", 1.5, 2.5, 0, 0.1, "idle-tax", 0.75, 90_000, 10, 20, 30, 40, 50, 60, 70,
                                80, 15_000, 10_000, 5_000, 2_500),
                        new ballast.host.control.HostTimeStats(4, 2.5, 30.0, 12.5, 0.75, List.of(
                                new ballast.host.control.DeviceStats("disk-2002", "swap", 100, 409_600, 0.81, 8.5, 40.25),
                                new ballast.host.control.DeviceStats("nvme", "disk", 7, 28_672, 0.001, 0.02, 0.03)))), List.of(
                        guestStats("a", 1), guestStats("b", 2), guestStats("c-名", Long.MAX_VALUE)),
                5, List.of("h: refcounts: MPN 3 has refcount 2 but 1 mappings", "h: integrity: a reads back 1 of 2 pages")));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<ballast.host.migration.MigrationReply> manager = (ActorRef) clock;
        @SuppressWarnings({"unchecked", "rawtypes"})
        ActorRef<ballast.abi.ToHypervisor> peer = (ActorRef) guest;
        m.put("TrackWrites", new ballast.host.migration.TrackWrites(7, 3, manager));
        m.put("DirtyPages", new ballast.host.migration.DirtyPages(7, 3, manager));
        m.put("AdmitGuest", new ballast.host.migration.AdmitGuest(Long.MAX_VALUE, spec(), 4096, manager));
        m.put("SendRound", new ballast.host.migration.SendRound(7, 3, true, true, peer, 5, 1024, 16, 8192, manager));
        m.put("PageBatch", new ballast.host.migration.PageBatch(7, 5, 12, new int[] {0, 9, 4095},
                new long[] {0, Long.MIN_VALUE, 42}, new int[] {3, 8}, new int[] {}, peer));
        m.put("PageBatchAck", new ballast.host.migration.PageBatchAck(7, 12, null));
        m.put("PageBatchAck refused", new ballast.host.migration.PageBatchAck(7, -1, "host-b has 3 free frames, 9 needed"));
        m.put("InstallGuest", new ballast.host.migration.InstallGuest(7, 5, new long[] {Ops.key(1, 0x400)},
                new int[] {17}, guestStats("web-1", 9),
                new ballast.host.reclaim.WorkingSetEstimator.Averages(0.25, 0.5, true, 12), peer));
        m.put("InstallGuest afresh", new ballast.host.migration.InstallGuest(7, 5, new long[0], new int[0], null, null,
                peer));
        m.put("CancelMigration", new ballast.host.migration.CancelMigration(7, 3, true, manager));
        m.put("MigrationReply", new ballast.host.migration.MigrationReply(7, "host-a", 3, 4096, 12, null));
        m.put("MigrationReply refused", new ballast.host.migration.MigrationReply(-1, "h", -1, 0, 0, "no guest"));
        m.put("SendRound post-copy", new ballast.host.migration.SendRound(7, 3, true, true, peer, 5, 1024, 16, 0, manager,
                new ballast.host.migration.PostCopyTerms(1.25e8, 1e-4, 16)));
        m.put("PostCopyBegin", new ballast.host.migration.PostCopyBegin(7, 5, new int[] {1, 2, 99},
                new ballast.host.migration.PostCopyTerms(1.25e8, 1e-4, 16)));
        m.put("PostCopyStatus", new ballast.host.migration.PostCopyStatus(7, 5, manager));
        m.put("MigrationReply post-copy", new ballast.host.migration.MigrationReply(7, "host-b", 5, 0, 12, null, 4242,
                new ballast.host.migration.PostCopyProgress(8192, 12, 700, 5600, 1880, 3, 2, 4242)));
        return m;
    }

    /** A guest spec with every component set. */
    static ballast.host.GuestSpec spec() {
        return new ballast.host.GuestSpec(4, "db-é", TranslationMode.PARA, 65536, 3,
                new ballast.host.cpu.CpuSpec(false, true, 4096, 310, 3, 4500, 750), new ballast.host.GuestAllocation(1024, 2560.0, 42598));
    }

    /**
     * Registered classes that no host-node wire message carries (yet), round-tripped through the
     * same Kryo registrations directly: the Pekko serializer only accepts wire messages at the top.
     */
    static Map<String, Object> components() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (TranslationMode mode : TranslationMode.values()) {
            m.put("TranslationMode " + mode, mode);
        }
        ballast.host.cpu.CostTable costs = ballast.host.cpu.CostTable.fromConfig(
                com.typesafe.config.ConfigFactory.defaultReference().getConfig("ballast.costs"));
        m.put("HostSettings", new ballast.host.HostSettings("host-a", -5L, 262_144, 16_384, 1024, 1 << 24, 65536, costs,
                List.of(spec()), new ballast.host.sharing.SharingSettings(true, 200, 50,
                        ballast.host.sharing.SharingSettings.Order.SEQUENTIAL, 64, 0.1), ReclaimSettings.DISABLED,
                new ballast.host.time.TimeSettings(0.05, 8, 3.2, ballast.host.device.DeviceSettings.NVME,
                        new ballast.host.device.DeviceSettings("own", 0.001, 1e8), false, 321,
                        new ballast.host.time.TimeSettings.HypervisorPrices(1, 2, 3, 4, 5))));
        m.put("HostSettings with a compression tier", new ballast.host.HostSettings("host-z", 9L, 1024, 16, 64, 1 << 20,
                4096, costs, List.of(spec()), null, ReclaimSettings.DISABLED, null,
                new ballast.host.compression.CompressionSettings(true, 3000, 0.2,
                        ballast.host.compression.CompressionFlavour.ZSWAP, 100, 200, 300, 4000, 59_400, 13_800,
                        List.of("/images/a.img", "/images/b.img"),
                        List.of(new ballast.host.compression.CompressionSettings.SyntheticImage("linux", 0.25, 4096)))));
        m.put("GuestSpec with a hotplug device", new ballast.host.GuestSpec(2, "vm-2", TranslationMode.NESTED, 4096, 1)
                .withHotplug(new ballast.host.hotplug.HotplugSpec(512, 1024)));
        m.put("HotplugStats", new ballast.host.control.HotplugStats(1, 2, 3, 4, 5, Long.MAX_VALUE));
        m.put("GuestCompression", new ballast.host.compression.GuestCompression(1, 2, 3, 4, 5, 6));
        m.put("HostCompression", new ballast.host.compression.HostCompression("esx", 1, 2, 3, 1.5, 4, 5, 6, 7, 8, 9, 10, 11));
        return m;
    }

    static GuestStats guestStats(String name, long seed) {
        long[] v = new long[26];
        for (int i = 0; i < v.length; i++) {
            v[i] = Tokens.mix(seed + i);
        }
        long[] events = new long[KernelEvent.COUNT];
        for (int i = 0; i < events.length; i++) {
            events[i] = seed * 31 + i;
        }
        long[] byKind = new long[CpuAccount.OVERHEAD_KINDS.size()];
        for (int i = 0; i < byKind.length; i++) {
            byKind[i] = seed * 17 + i;
        }
        return new GuestStats(name, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                v[12], v[13], v[14], v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], events, byKind,
                v[24], v[25], new long[] {0, 3, 0, 7}, new GuestReclaim(v[0], v[1], 2560.5, v[2], v[3], v[4], v[5],
                        v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]),
                new ballast.host.control.GuestTimeStats(2, v[16], v[17], v[18], 12.5, 1.25, 0.5, 3.0, 0.25, 0.125, 0.0625,
                        19.8125));
    }
}
