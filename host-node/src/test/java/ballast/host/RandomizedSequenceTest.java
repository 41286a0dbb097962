package ballast.host;

import static org.assertj.core.api.Assertions.assertThat;

import ballast.abi.MmuUpdate;
import ballast.abi.Ops;
import ballast.abi.Refusal;
import ballast.abi.TickResult;
import ballast.abi.TranslationMode;
import ballast.abi.Tokens;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Property test of the memory model: thousands of seeded random sequences of guest work (page-table
 * writes and removals, remaps and aliases, reads and writes of mapped and unmapped pages, context
 * switches, para-virtual mmu_update batches, and malformed or hostile streams mixed in), each step
 * checked against a model of what every guest should read, and every invariant checked after every
 * step. A failing sequence is shrunk to its shortest failing prefix and reported with its seed, so
 * it can become a regression test.
 */
class RandomizedSequenceTest {
    static final int SEQUENCES = 10_000;
    static final int STEPS = 12;
    static final int PAGES = 48;
    static final int PROCESSES = 2;
    static final long VPN_SPACE = 24;

    /** What one guest should see: its page-table model and the content of its guest-physical pages. */
    static final class Model {
        final TranslationMode mode;
        final Long2IntOpenHashMap table = new Long2IntOpenHashMap(); // key -> PPN
        final long[] content = new long[PAGES];                       // PPN -> token
        int[] p2m;

        Model(TranslationMode mode) {
            this.mode = mode;
            table.defaultReturnValue(-1);
        }
    }

    /** Plays one sequence; returns null when every step held, else what failed at which step. */
    static String play(long seed, int steps) {
        SplittableRandom random = new SplittableRandom(seed);
        TranslationMode[] modes = TranslationMode.values();
        List<GuestSpec> specs = new ArrayList<>();
        for (int g = 0; g < 3; g++) {
            specs.add(new GuestSpec(g, "g" + g, modes[(g + (int) (seed % 3)) % 3], PAGES, PROCESSES));
        }
        HostSettings settings = new HostSettings("prop", seed, 256, 16, 8, 64, 8, TestHosts.COSTS, specs);
        HypervisorCore core = new HypervisorCore(settings);
        Model[] models = new Model[3];
        for (int g = 0; g < 3; g++) {
            models[g] = new Model(specs.get(g).mode());
            models[g].p2m = core.boot(g, "g" + g, new Refusal[1]);
            if (models[g].p2m == null) {
                return "boot refused";
            }
        }
        for (int step = 0; step < steps; step++) {
            for (int g = 0; g < 3; g++) {
                String failure = stepGuest(core, g, models[g], random, step);
                if (failure != null) {
                    return "step " + step + " guest g" + g + " (" + models[g].mode + "): " + failure;
                }
            }
            List<String> violations = core.checkInvariants();
            if (!violations.isEmpty()) {
                return "step " + step + ": " + violations;
            }
            for (int g = 0; g < 3; g++) {
                String failure = audit(core, g, models[g]);
                if (failure != null) {
                    return "step " + step + " guest g" + g + ": " + failure;
                }
            }
        }
        return null;
    }

    static String stepGuest(HypervisorCore core, int g, Model model, SplittableRandom random, int step) {
        boolean para = model.mode == TranslationMode.PARA;
        boolean hostile = random.nextInt(8) == 0;
        LongArrayList ops = new LongArrayList();
        LongArrayList values = new LongArrayList();
        List<MmuUpdate> mmu = new ArrayList<>();
        // The model as it will be if the tick is accepted.
        Long2IntOpenHashMap table = new Long2IntOpenHashMap(model.table);
        table.defaultReturnValue(-1);
        long[] content = model.content.clone();
        if (para) {
            int n = random.nextInt(4);
            long[] keys = new long[n];
            int[] mpns = new int[n];
            for (int i = 0; i < n; i++) {
                keys[i] = Ops.key(random.nextInt(PROCESSES), random.nextLong(VPN_SPACE));
                if (random.nextInt(4) == 0) {
                    mpns[i] = MmuUpdate.CLEAR;
                } else {
                    mpns[i] = model.p2m[random.nextInt(PAGES)];
                }
            }
            boolean badBatch = hostile && random.nextBoolean();
            if (badBatch && n > 0) {
                mpns[random.nextInt(n)] = random.nextInt(256); // very likely not this guest's frame
            }
            MmuUpdate update = new MmuUpdate(keys, mpns);
            mmu.add(update);
        }
        int count = 1 + random.nextInt(12);
        int process = 0;
        for (int i = 0; i < count; i++) {
            int what = random.nextInt(10);
            long key = Ops.key(random.nextInt(PROCESSES), random.nextLong(VPN_SPACE));
            if (what == 0) {
                process = random.nextInt(PROCESSES);
                ops.add(Ops.op(Ops.SWITCH, process, 0));
            } else if (what <= 2 && !para) {
                int ppn = random.nextInt(PAGES);
                ops.add(Ops.op(Ops.MAP, key));
                values.add(ppn);
            } else if (what == 3 && !para) {
                ops.add(Ops.op(Ops.UNMAP, key));
            } else if (what <= 6) {
                ops.add(Ops.op(Ops.WRITE, key));
                values.add(Tokens.nonZero(random.nextLong(), i));
            } else {
                ops.add(Ops.op(Ops.READ, key));
            }
        }
        if (hostile && random.nextBoolean()) {
            // a malformed entry somewhere: the whole stream must be refused and change nothing
            int at = random.nextInt(ops.size() + 1);
            int kind = random.nextInt(3);
            long bad = kind == 0 ? (7L << Ops.KIND_SHIFT) : kind == 1 ? Ops.op(Ops.READ, PROCESSES + 3, 1) : (1L << 50);
            ops.add(at, bad);
        }
        long[] opArray = ops.toLongArray();
        long[] valueArray = values.toLongArray();
        boolean streamValid = true;
        for (long op : opArray) {
            if (!Ops.isWellFormed(op) || Ops.process(op) >= PROCESSES) {
                streamValid = false;
            }
        }
        List<String> fingerprintBefore = streamValid ? null : StateFingerprint.of(core, new long[0]);
        TickResult result = core.apply(GuestWork.of(g, step, mmu, opArray, valueArray));

        // Replay on the model: mmu_update first (whole batch or nothing), then the stream.
        boolean mmuAccepted = !para;
        if (para) {
            MmuUpdate u = mmu.get(0);
            boolean valid = true;
            for (int mpn : u.mpns()) {
                if (mpn != MmuUpdate.CLEAR && indexOf(model.p2m, mpn) < 0) {
                    valid = false;
                }
            }
            mmuAccepted = valid;
            if (valid) {
                for (int i = 0; i < u.keys().length; i++) {
                    if (u.mpns()[i] == MmuUpdate.CLEAR) {
                        table.remove(u.keys()[i]);
                    } else {
                        table.put(u.keys()[i], indexOf(model.p2m, u.mpns()[i]));
                    }
                }
            }
            // refusals come in order: the mmu_update's (if refused), then the stream's (if refused)
            boolean refusedMmu = result.refusals().size() == (streamValid ? 1 : 2);
            if (refusedMmu == valid) {
                return "mmu_update " + (valid ? "refused" : "accepted") + ": " + result.refusals();
            }
        }
        long digest = Tokens.EMPTY_DIGEST;
        int reads = 0;
        if (streamValid) {
            int v = 0;
            for (long op : opArray) {
                long key = Ops.keyOf(op);
                switch (Ops.kind(op)) {
                    case Ops.MAP -> table.put(key, (int) valueArray[v++]);
                    case Ops.UNMAP -> table.remove(key);
                    case Ops.WRITE -> {
                        long token = valueArray[v++];
                        int ppn = table.get(key);
                        if (ppn >= 0) {
                            content[ppn] = token;
                        }
                    }
                    case Ops.READ -> {
                        int ppn = table.get(key);
                        digest = Tokens.fold(digest, ppn >= 0 ? content[ppn] : HypervisorCore.FAULT_TOKEN);
                        reads++;
                    }
                    default -> { }
                }
            }
            if (result.readDigest() != digest || result.reads() != reads) {
                return "read digest differs from the model (" + result.reads() + " reads, expected " + reads + ")";
            }
        } else {
            if (result.refusals().isEmpty() || result.reads() != 0) {
                return "malformed stream was not refused";
            }
            if (!mmuAccepted || !para) {
                if (!StateFingerprint.of(core, new long[0]).equals(fingerprintBefore)) {
                    return "a refused stream changed state";
                }
            }
        }
        if (streamValid || mmuAccepted) {
            model.table.clear();
            model.table.putAll(table);
            System.arraycopy(content, 0, model.content, 0, PAGES);
        }
        return null;
    }

    static String audit(HypervisorCore core, int g, Model model) {
        long[] keys = model.table.keySet().toLongArray();
        long[] tokens = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            tokens[i] = model.content[model.table.get(keys[i])];
        }
        long mismatches = core.audit(g, keys, tokens);
        return mismatches == 0 ? null : mismatches + " of " + keys.length + " mapped pages read differently from the model";
    }

    static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    /** Shrinks a failing sequence to its shortest failing prefix. */
    static String shrink(long seed) {
        for (int steps = 1; steps <= STEPS; steps++) {
            String failure = play(seed, steps);
            if (failure != null) {
                return "seed " + seed + ", " + steps + " steps: " + failure;
            }
        }
        return "seed " + seed + " (did not fail again)";
    }

    @Test
    void tenThousandRandomSequencesKeepEveryInvariantAndEveryRead() {
        List<String> failures = new ArrayList<>();
        long steps = 0;
        for (long seed = 1; seed <= SEQUENCES && failures.size() < 5; seed++) {
            String failure = play(seed, STEPS);
            steps += STEPS;
            if (failure != null) {
                failures.add(shrink(seed));
            }
        }
        System.out.println("randomized sequences: " + SEQUENCES + " sequences, " + steps + " steps of 3 guests, "
                + failures.size() + " failures");
        assertThat(failures).isEmpty();
    }
}
