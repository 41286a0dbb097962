package ballast.host.migration;

import ballast.host.GuestSpec;
import ballast.host.GuestStatsSum;
import ballast.host.Hypervisor;
import ballast.host.HypervisorCore;
import ballast.abi.ToHypervisor;
import ballast.host.control.GuestStats;
import java.util.Arrays;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * A {@link Hypervisor}'s end of live migrations: it plays each {@link MigrationCommand} on the
 * hypervisor's core with {@link GuestTransfer} and streams a round's pages to the destination with
 * flow control: batches of {@code batchPages}, at most {@code window} unacknowledged (well under
 * Artery's outbound queue of 3072 messages, which drops what does not fit). One outgoing round at a
 * time per host; the scheduler sends steps only between ticks.
 *
 * <p>It also keeps the figures of guests that arrived ({@link #withHistory}): what the hypervisors
 * they left counted goes on adding up here.
 *
 * <p>Owned by one hypervisor actor, not thread-safe.
 */
public final class MigrationPort {

    /** What the port needs from its hypervisor actor beyond the core. */
    public interface Host {
        /** A guest was admitted under the next index: grow the per-guest state; it does not take part in ticks yet. */
        void admitted(int index);

        /** Guest {@code index} left for good (its actor stopped on this host). */
        void departed(int index);

        /** Guest {@code index}, on its way in, was given up before its install: it never runs here. */
        void abandoned(int index);

        /** Guest {@code index} was installed: the next tick waits for its boot. */
        void installed(int index);

        /** The guest's figures as this host reports them now. */
        GuestStats stats(int index);

        ActorRef<ToHypervisor> self();
    }

    private final HypervisorCore core;
    private final Host host;
    private GuestStats[] history = new GuestStats[0];
    /** The outgoing round, or null. */
    private Outgoing out;
    /** Post-copy switches announced for guests on their way in, by index, until their install. */
    private final java.util.Map<Integer, PostCopyBegin> switching = new java.util.HashMap<>();

    private static final class Outgoing {
        SendRound command;
        int[] ppns;
        int next;
        int seq;
        int inFlight;
        /** Pages sent with their content (ballooned and unbacked PPNs travel as marks and do not count). */
        int contentPages;
        boolean installSent;
        /** A post-copy switch: the PPNs sent with their content (they count as still at the source). */
        it.unimi.dsi.fastutil.ints.IntArrayList postCopyPpns;
        String problem;
    }

    public MigrationPort(HypervisorCore core, Host host) {
        this.core = core;
        this.host = host;
    }

    public void handle(MigrationCommand command) {
        if (command instanceof TrackWrites t) {
            onTrack(t);
        } else if (command instanceof DirtyPages d) {
            onDirty(d);
        } else if (command instanceof AdmitGuest a) {
            onAdmit(a);
        } else if (command instanceof SendRound r) {
            onSendRound(r);
        } else if (command instanceof PageBatch b) {
            onBatch(b);
        } else if (command instanceof PageBatchAck a) {
            onAck(a);
        } else if (command instanceof InstallGuest i) {
            onInstall(i);
        } else if (command instanceof ballast.host.migration.CancelMigration c) {
            onCancel(c);
        } else if (command instanceof PostCopyBegin b) {
            switching.put(b.guest(), b);
        } else if (command instanceof PostCopyStatus s) {
            onPostCopyStatus(s);
        }
    }

    private String name() {
        return core.settings().name();
    }

    private void reply(ActorRef<MigrationReply> to, long migration, int guest, int sent, int dirty, String problem) {
        to.tell(new MigrationReply(migration, name(), guest, sent, dirty, problem, workUnits(guest), null));
    }

    /** The guest's work units on this host so far (0 for an index the time model does not know). */
    private long workUnits(int guest) {
        return guest >= 0 && guest < core.time().guests() ? core.time().workUnits(guest) : 0;
    }

    /** Destination: how far a post-copy arrival is; once every page arrived, the guest's misses stop checking. */
    private void onPostCopyStatus(PostCopyStatus s) {
        if (!core.isGuest(s.guest()) || core.guest(s.guest()).arrivals() == null) {
            reply(s.replyTo(), s.migration(), s.guest(), 0, 0, "no post-copy arrival of guest " + s.guest() + " on "
                    + name());
            return;
        }
        PostCopyArrivals a = core.guest(s.guest()).arrivals();
        long work = workUnits(s.guest());
        PostCopyProgress p = new PostCopyProgress(a.initial(), a.left(), a.faults(), a.prepaged(), a.pushed(),
                a.ticks(), a.degradedTicks(), work);
        if (a.done()) {
            core.guest(s.guest()).setArrivals(null);
        }
        s.replyTo().tell(new MigrationReply(s.migration(), name(), s.guest(), 0, a.left(), null, work, p));
    }

    private void onTrack(TrackWrites t) {
        if (!core.isResident(t.guest()) || !core.isBooted(t.guest())) {
            reply(t.replyTo(), t.migration(), t.guest(), 0, 0, "no running guest " + t.guest() + " on " + name());
            return;
        }
        GuestTransfer.track(core, t.guest());
        reply(t.replyTo(), t.migration(), t.guest(), 0, 0, null);
    }

    private void onDirty(DirtyPages d) {
        if (!GuestTransfer.tracked(core, d.guest())) {
            reply(d.replyTo(), d.migration(), d.guest(), 0, 0, "guest " + d.guest() + " of " + name() + " is not tracked");
            return;
        }
        reply(d.replyTo(), d.migration(), d.guest(), 0, GuestTransfer.dirtyPages(core, d.guest()), null);
    }

    private void onAdmit(AdmitGuest a) {
        GuestSpec s = a.spec();
        int index = core.guestCount();
        GuestSpec spec = new GuestSpec(index, s.name(), s.mode(), s.configuredPages(), s.processes(), s.cpu(),
                s.allocation(), s.largePages());
        GuestTransfer.admit(core, spec);
        GuestTransfer.growSwap(core, a.swapPages());
        history = Arrays.copyOf(history, index + 1);
        host.admitted(index);
        reply(a.replyTo(), a.migration(), index, 0, 0, null);
    }

    private void onCancel(ballast.host.migration.CancelMigration c) {
        if (out != null && out.command.migration() == c.migration()) {
            reply(c.replyTo(), c.migration(), c.guest(), 0, 0, name() + " is still sending a round of it");
            return;
        }
        if (c.arriving()) {
            if (!core.isGuest(c.guest()) || !core.guest(c.guest()).incoming()) {
                reply(c.replyTo(), c.migration(), c.guest(), 0, 0, "no arriving guest " + c.guest() + " on " + name());
                return;
            }
            GuestTransfer.abandon(core, c.guest());
            history[c.guest()] = null;
            host.abandoned(c.guest());
        } else if (GuestTransfer.tracked(core, c.guest())) {
            GuestTransfer.untrack(core, c.guest());
        }
        reply(c.replyTo(), c.migration(), c.guest(), 0, 0, null);
    }

    private void onSendRound(SendRound r) {
        if (out != null) {
            reply(r.replyTo(), r.migration(), r.guest(), 0, 0, name() + " is already sending a round");
            return;
        }
        if (!GuestTransfer.tracked(core, r.guest())) {
            reply(r.replyTo(), r.migration(), r.guest(), 0, 0, "guest " + r.guest() + " of " + name() + " is not tracked");
            return;
        }
        out = new Outgoing();
        out.command = r;
        out.ppns = GuestTransfer.takeRound(core, r.guest(), r.first());
        if (r.last() && r.postCopy() != null) {
            out.postCopyPpns = new it.unimi.dsi.fastutil.ints.IntArrayList();
        }
        pump();
    }

    /** Sends batches while the window allows; when all are acknowledged, finishes the round. */
    private void pump() {
        SendRound r = out.command;
        int batch = Math.max(1, r.batchPages());
        while (out.problem == null && out.next < out.ppns.length && out.inFlight < Math.max(1, r.window())) {
            int from = out.next;
            int to = Math.min(out.ppns.length, from + batch);
            int[] ppns = Arrays.copyOfRange(out.ppns, from, to);
            GuestTransfer.Pages pages = GuestTransfer.read(core, r.guest(), ppns);
            r.destination().tell(new PageBatch(r.migration(), r.destinationGuest(), out.seq++, pages.ppns(),
                    pages.tokens(), pages.ballooned(), pages.unbacked(), host.self()));
            out.contentPages += pages.ppns().length;
            if (out.postCopyPpns != null) {
                out.postCopyPpns.addElements(out.postCopyPpns.size(), pages.ppns());
            }
            out.next = to;
            out.inFlight++;
        }
        if (out.inFlight > 0) {
            return;
        }
        if (out.problem == null && r.last() && !out.installSent) {
            GuestTransfer.PageTables tables = GuestTransfer.tables(core, r.guest());
            GuestStats so = host.stats(r.guest());
            if (out.postCopyPpns != null) { // before the install: messages between two actors keep their order
                r.destination().tell(new PostCopyBegin(r.migration(), r.destinationGuest(),
                        out.postCopyPpns.toIntArray(), r.postCopy()));
            }
            r.destination().tell(new InstallGuest(r.migration(), r.destinationGuest(), tables.keys(), tables.ppns(),
                    so, GuestTransfer.workingSet(core, r.guest()), host.self()));
            out.installSent = true;
            out.inFlight++;
            return;
        }
        Outgoing done = out;
        out = null;
        if (done.problem == null && r.last()) {
            GuestTransfer.depart(core, r.guest());
            GuestTransfer.shrinkSwap(core, r.swapPages());
            host.departed(r.guest());
        }
        int dirty = done.problem == null && !r.last() ? GuestTransfer.dirtyPages(core, r.guest()) : 0;
        reply(r.replyTo(), r.migration(), r.guest(), done.contentPages, dirty, done.problem);
    }

    private void onAck(PageBatchAck a) {
        if (out == null || a.migration() != out.command.migration()) {
            return;
        }
        out.inFlight--;
        if (a.problem() != null && out.problem == null) {
            out.problem = a.problem();
        }
        pump();
    }

    private void onBatch(PageBatch b) {
        String problem = core.isGuest(b.guest())
                ? GuestTransfer.receive(core, b.guest(), new GuestTransfer.Pages(b.ppns(), b.tokens(),
                        b.ballooned(), b.unbacked()))
                : "no guest " + b.guest() + " on " + name();
        b.replyTo().tell(new PageBatchAck(b.migration(), b.seq(), problem));
    }

    private void onInstall(InstallGuest i) {
        String problem = null;
        if (!core.isGuest(i.guest()) || core.isResident(i.guest())) {
            problem = "no arriving guest " + i.guest() + " on " + name();
        } else if (i.keys() == null || i.ppns() == null || i.keys().length != i.ppns().length) {
            problem = "malformed page tables";
        } else {
            GuestTransfer.install(core, i.guest(), i.keys(), i.ppns(), i.workingSet());
            PostCopyBegin pc = switching.remove(i.guest());
            if (pc != null) {
                core.guest(i.guest()).setArrivals(new PostCopyArrivals(core.guest(i.guest()).pmap().pages(), pc.ppns(),
                        pc.terms().prepageWindow(), pc.terms().pagesPerTick(core.settings().time().tickSeconds()),
                        pc.terms().faultSeconds()));
            }
            history[i.guest()] = i.history();
            host.installed(i.guest());
        }
        i.replyTo().tell(new PageBatchAck(i.migration(), PageBatchAck.INSTALLED, problem));
    }

    /** The guest's figures with those of the hosts it came from added in. */
    public GuestStats withHistory(int index, GuestStats live) {
        GuestStats past = index < history.length ? history[index] : null;
        return past == null ? live : GuestStatsSum.carry(past, live);
    }
}
