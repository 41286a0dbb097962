package ballast.host;

import ballast.abi.Tokens;
import ballast.host.sharing.DaemonCall;
import ballast.host.sharing.PageScanner;
import ballast.host.sharing.SharingAck;
import ballast.host.sharing.SharingResult;
import ballast.host.sharing.SharingTickStart;
import ballast.host.sharing.ToDaemon;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The page-sharing daemon of one host (ESX's page-sharing scanner, Linux's ksmd): a thin actor
 * around its {@link PageScanner}. It takes part in the deterministic tick like a guest: on
 * {@link SharingTickStart} it sends the tick's scan requests and merge proposals, the hypervisor
 * applies them after every guest's work and sends the {@link SharingResult} (hashes asked for,
 * merge outcomes), and the daemon updates its index and acknowledges with its counters.
 * Started by its {@link Hypervisor}; talks to nothing else.
 */
public final class PageSharingDaemon extends AbstractBehavior<ToDaemon> {

    private final PageScanner scanner;
    private final ActorRef<DaemonCall> hypervisor;
    private final String hostName;

    public static Behavior<ToDaemon> create(HostSettings settings, ActorRef<DaemonCall> hypervisor) {
        return Behaviors.setup(context -> new PageSharingDaemon(context, settings, hypervisor));
    }

    private PageSharingDaemon(ActorContext<ToDaemon> context, HostSettings settings, ActorRef<DaemonCall> hypervisor) {
        super(context);
        int[] pages = new int[settings.guests().size()];
        for (int g = 0; g < pages.length; g++) {
            pages[g] = settings.guests().get(g).configuredPages();
        }
        this.scanner = new PageScanner(settings.sharing(), pages, Tokens.derive(settings.seed(), "page-sharing"));
        this.hypervisor = hypervisor;
        this.hostName = settings.name();
    }

    @Override
    public Receive<ToDaemon> createReceive() {
        return newReceiveBuilder()
                .onMessage(SharingTickStart.class, this::onTickStart)
                .onMessage(SharingResult.class, this::onResult)
                .build();
    }

    private Behavior<ToDaemon> onTickStart(SharingTickStart start) {
        hypervisor.tell(scanner.plan(start.tick(), getContext().getSelf()));
        return this;
    }

    private Behavior<ToDaemon> onResult(SharingResult result) {
        if (!scanner.take(result)) {
            getContext().getLog().error("{}: page-sharing result for tick {} does not answer the work sent", hostName, result.tick());
        }
        hypervisor.tell(new SharingAck(result.tick(), scanner.counters(), getContext().getSelf()));
        return this;
    }
}
