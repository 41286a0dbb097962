package ballast.app.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a cluster node can listen on its address and port, checked before its actor system
 * starts: Pekko reports a port in use with a logged stack trace and an exception from deep inside
 * its transport; this says it in one line first.
 */
final class PortCheck {
    private PortCheck() {
    }

    /** Why {@code bind:port} cannot be listened on, or null when it can (port 0: any free port can). */
    static String problem(String option, String bind, int port) {
        if (port < 0 || port > 65535) {
            return option + " " + port + ": not a port (0 to 65535)";
        }
        if (port == 0) {
            return null;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bind, port));
            return null;
        } catch (IOException | IllegalArgumentException | SecurityException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (why.contains("Address already in use")) {
                why = "already in use (another ballast node, or another program, listens there)";
            }
            return option + " " + port + ": cannot listen on " + bind + ":" + port + ": " + why;
        }
    }
}
