package ballast.guest.workload;

import java.nio.file.Path;

/**
 * One trace a guest replays, as one process.
 *
 * @param format            how the file is written
 * @param path              the file (absolute once the scenario is read)
 * @param accessesPerSecond records replayed per simulated second
 * @param loop              whether to start again at the end (else the process goes idle)
 * @param records           access records in the file, as counted when the scenario was read
 * @param distinctPages     distinct pages (VPNs) the file touches, as counted then
 */
public record TraceSpec(TraceFormat format, Path path, double accessesPerSecond, boolean loop, long records,
                        int distinctPages) {
}
