package ballast.host;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CostTable;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;

/** Hand-built host settings and small builders for operation streams, shared by the host tests. */
public final class TestHosts {
    public static final CostTable COSTS =
            CostTable.fromConfig(ConfigFactory.defaultReference().getConfig("ballast.costs"));
    public static final int TOTAL_FRAMES = 4096;
    public static final int RESERVED_FRAMES = 256;
    public static final int TLB_ENTRIES = 64;
    public static final int MAX_BATCH_OPS = 1000;
    public static final int MAX_MMU_UPDATE_ENTRIES = 16;

    private TestHosts() {
    }

    public static HostSettings settings(GuestSpec... guests) {
        return new HostSettings("test-host", 42L, TOTAL_FRAMES, RESERVED_FRAMES, TLB_ENTRIES,
                MAX_BATCH_OPS, MAX_MMU_UPDATE_ENTRIES, COSTS, List.of(guests));
    }

    public static GuestSpec guest(int index, String name, TranslationMode mode, int pages, int processes) {
        return new GuestSpec(index, name, mode, pages, processes);
    }

    public static MmuUpdate mmu(long[] keys, int[] mpns) {
        return new MmuUpdate(keys, mpns);
    }

    /** Builds an operation stream and its values stream together. */
    public static final class Stream {
        private final List<Long> ops = new ArrayList<>();
        private final List<Long> values = new ArrayList<>();

        public static Stream of() {
            return new Stream();
        }

        public Stream read(int process, long vpn) {
            ops.add(Ops.op(Ops.READ, process, vpn));
            return this;
        }

        public Stream write(int process, long vpn, long token) {
            ops.add(Ops.op(Ops.WRITE, process, vpn));
            values.add(token);
            return this;
        }

        public Stream map(int process, long vpn, int ppn) {
            ops.add(Ops.op(Ops.MAP, process, vpn));
            values.add((long) ppn);
            return this;
        }

        public Stream unmap(int process, long vpn) {
            ops.add(Ops.op(Ops.UNMAP, process, vpn));
            return this;
        }

        public Stream switchTo(int process) {
            ops.add(Ops.op(Ops.SWITCH, process, 0L));
            return this;
        }

        /** Appends a raw operation word, taking {@code value} from the values stream when not null. */
        public Stream raw(long op, Long value) {
            ops.add(op);
            if (value != null) {
                values.add(value);
            }
            return this;
        }

        public long[] ops() {
            return ops.stream().mapToLong(Long::longValue).toArray();
        }

        public long[] values() {
            return values.stream().mapToLong(Long::longValue).toArray();
        }
    }
}
