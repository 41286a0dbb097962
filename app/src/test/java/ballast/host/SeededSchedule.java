package ballast.host;

import ballast.abi.ToHypervisor;
import ballast.guest.GuestSettings;
import ballast.guest.GuestVm;
import ballast.abi.TranslationMode;
import ballast.host.control.HostTickDone;
import ballast.host.control.RunFree;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.pekko.actor.testkit.typed.Effect;
import org.apache.pekko.actor.testkit.typed.javadsl.BehaviorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestInbox;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;

/**
 * One free run of a hypervisor and its guests whose message deliveries follow a seeded schedule.
 *
 * <p>Every actor (the hypervisor, its page-sharing daemon, each guest VM and each guest's balloon
 * driver) runs in its own Pekko {@link BehaviorTestKit}, so no actor runs unless this class
 * delivers it a message, on the test's thread. Only one actor runs at a time, so every message
 * that appears in any actor's inbox after a step was sent by the actor that just ran: it goes to
 * the channel from that actor to the receiver. Channels are first in, first out, which is all
 * Pekko promises (messages between one sender and one receiver keep their order); everything else
 * is reordered. At each step the schedule picks a non-empty channel at random, weighted by a speed
 * drawn per actor for this schedule (from 1 to 16), so some actors lag far behind others: a guest's
 * work waits while others run whole ticks, a driver answers late, the daemon's merges land in the
 * middle of a guest's tick. The hypervisor's invariants are checked after every message it handles
 * (nothing else changes its state).
 *
 * <p>The schedule ends when the hypervisor sends its final report; if every channel is empty first,
 * the run is stuck, which is a failure.
 */
final class SeededSchedule {

    /** An actor of the run and its speed in this schedule. */
    private static final class Node {
        final String name;
        final BehaviorTestKit<Object> kit;
        final int speed;

        Node(String name, BehaviorTestKit<Object> kit, int speed) {
            this.name = name;
            this.kit = kit;
            this.speed = speed;
        }
    }

    /** Messages from one actor to another, in the order sent. */
    private static final class Channel {
        final Node from;
        final Node to;
        final ArrayDeque<Object> queue = new ArrayDeque<>();

        Channel(Node from, Node to) {
            this.from = from;
            this.to = to;
        }
    }

    /** What a schedule ended with. */
    record Outcome(HostTickDone report, long steps, long hostSteps, long invariantChecks, List<String> violations,
                   List<String> deliveryOrder) {
    }

    /** Start an actor as a child of the root. */
    private record Spawn(String name, Behavior<Object> behavior) {
    }

    /** Stop the root's children of a schedule that ended. */
    private record Stop(List<ActorRef<?>> children) {
    }

    /**
     * The parent of every schedule's actors: one stubbed actor system for all schedules (making one
     * per actor would cost more than the schedule itself). Used by one test thread at a time.
     */
    private static final BehaviorTestKit<Object> ROOT = BehaviorTestKit.create(
            org.apache.pekko.actor.typed.javadsl.Behaviors.receive((context, message) -> {
                if (message instanceof Spawn spawn) {
                    context.spawn(spawn.behavior(), spawn.name());
                } else if (message instanceof Stop stop) {
                    stop.children().forEach(context::stop);
                }
                return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
            }), "schedules");
    private static long schedules;

    private final String prefix = "s" + (schedules++) + "-";
    private final List<ActorRef<?>> started = new ArrayList<>();
    private final SplittableRandom random;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final TestInbox<HostTickDone> clockInbox = TestInbox.create("clock");
    private HypervisorCore core;
    private Node hypervisor;
    private final Node clock;

    private SeededSchedule(long seed) {
        this.random = new SplittableRandom(seed);
        this.clock = new Node("clock", null, 1 + random.nextInt(16));
    }

    /**
     * Plays {@code ticks} ticks of {@code host}'s guests under the schedule of {@code seed}, at most
     * {@code maxSteps} deliveries; {@code keepOrder} keeps the first deliveries' names (to compare schedules).
     */
    static Outcome play(HostSettings host, List<GuestSettings> guests, long ticks, long seed, long maxSteps,
                        int keepOrder) {
        return new SeededSchedule(seed).run(host, guests, ticks, maxSteps, keepOrder);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Outcome run(HostSettings host, List<GuestSettings> guests, long ticks, long maxSteps, int keepOrder) {
        Behavior<ToHypervisor> h = Hypervisor.create(host, c -> core = c);
        hypervisor = add("hypervisor", (Behavior) h);
        ActorRef<ToHypervisor> hypervisorRef = (ActorRef) hypervisor.kit.getRef();
        for (GuestSettings g : guests) {
            boolean workAhead = !(g.mode() == TranslationMode.PARA && host.sharing().enabled());
            Node n = add(g.name(), (Behavior) GuestVm.create(g, hypervisorRef.narrow(), host.maxMmuUpdateEntries(),
                    workAhead, GuestVm.NO_CRASH, true));
        }
        channel(clock, hypervisor).queue.add(new RunFree(ticks, 1, clockInbox.getRef()));
        long steps = 0;
        long hostSteps = 0;
        long checks = 0;
        List<String> violations = new ArrayList<>();
        List<String> order = new ArrayList<>();
        HostTickDone last = null;
        while (last == null) {
            Channel c = pick();
            if (c == null) {
                throw new AssertionError("stuck after " + steps + " steps: no message left to deliver");
            }
            if (++steps > maxSteps) {
                throw new AssertionError("no end after " + maxSteps + " steps");
            }
            Object message = c.queue.poll();
            if (order.size() < keepOrder) {
                order.add(c.from.name + ">" + c.to.name + ":" + message.getClass().getSimpleName());
            }
            if (!c.to.kit.isAlive()) {
                continue;
            }
            c.to.kit.run(message);
            harvest(c.to);
            if (c.to == hypervisor) {
                hostSteps++;
                List<String> found = core.checkInvariants();
                checks += HostInvariants.CHECKS;
                if (!found.isEmpty()) {
                    violations.addAll(found);
                    break;
                }
            }
            for (HostTickDone done : clockInbox.getAllReceived()) {
                violations.addAll(done.violations());
                if (!done.guests().isEmpty()) {
                    last = done;
                }
            }
        }
        ROOT.run(new Stop(started));
        ROOT.getAllEffects();
        return new Outcome(last, steps, hostSteps, checks, violations, order);
    }

    /** Starts an actor of this run as a child of the shared root, and takes what it sent as it started. */
    @SuppressWarnings("unchecked")
    private Node add(String name, Behavior<Object> behavior) {
        ROOT.run(new Spawn(prefix + sanitize(name), behavior));
        Effect.Spawned<?> spawned = (Effect.Spawned<?>) ROOT.getAllEffects().stream()
                .filter(e -> e instanceof Effect.Spawned<?>).findFirst().orElseThrow();
        BehaviorTestKit<Object> kit = (BehaviorTestKit<Object>) (BehaviorTestKit<?>) ROOT.childTestKit(spawned.ref());
        Node n = new Node(name, kit, 1 + random.nextInt(16));
        nodes.add(n);
        started.add(spawned.ref());
        harvest(n);
        return n;
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9-]", "_");
    }

    /** Takes what {@code sender} just sent (and the children it spawned) into the channels. */
    @SuppressWarnings("unchecked")
    private void harvest(Node sender) {
        for (Effect e : sender.kit.getAllEffects()) {
            if (e instanceof Effect.Spawned<?> spawned) {
                BehaviorTestKit<Object> child = (BehaviorTestKit<Object>) (BehaviorTestKit<?>) sender.kit.childTestKit(spawned.ref());
                Node n = new Node(sender.name + "/" + spawned.childName(), child, 1 + random.nextInt(16));
                nodes.add(n);
                harvest(n); // what it sent while it started
            }
        }
        for (Node receiver : nodes) {
            List<Object> sent = receiver.kit.selfInbox().getAllReceived();
            if (!sent.isEmpty()) {
                channel(sender, receiver).queue.addAll(sent);
            }
        }
    }

    private Channel channel(Node from, Node to) {
        for (Channel c : channels) {
            if (c.from == from && c.to == to) {
                return c;
            }
        }
        Channel c = new Channel(from, to);
        channels.add(c);
        return c;
    }

    /** A non-empty channel, at random weighted by its two ends' speeds; null when all are empty. */
    private Channel pick() {
        long total = 0;
        for (Channel c : channels) {
            if (!c.queue.isEmpty()) {
                total += (long) c.from.speed * c.to.speed;
            }
        }
        if (total == 0) {
            return null;
        }
        long r = random.nextLong(total);
        for (Channel c : channels) {
            if (!c.queue.isEmpty()) {
                r -= (long) c.from.speed * c.to.speed;
                if (r < 0) {
                    return c;
                }
            }
        }
        throw new IllegalStateException();
    }
}
