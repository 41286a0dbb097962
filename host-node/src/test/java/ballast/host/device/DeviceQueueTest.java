package ballast.host.device;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DeviceQueueTest {
    private static final long PAGE = 4096;
    private static final DeviceSettings DISK = new DeviceSettings("disk", 0.008, 40e6);

    @Test
    void aRequestAloneWaitsLatencyPlusSizeOverBandwidth() {
        DeviceQueue q = new DeviceQueue(DISK);
        q.beginTick(1.0);
        double done = q.submit(0, DeviceQueue.SWAP_READ, PAGE, 1.02);
        double service = 0.008 + PAGE / 40e6;
        assertThat(done).isCloseTo(1.02 + service, within(1e-12));
        assertThat(q.meanWaitMs()).isCloseTo(service * 1e3, within(1e-9));
        assertThat(q.p99WaitMs()).isCloseTo(service * 1e3, within(1e-6));
        assertThat(q.busySeconds()).isCloseTo(service, within(1e-15));
        assertThat(q.requests()).isEqualTo(1);
        assertThat(q.bytes(DeviceQueue.SWAP_READ)).isEqualTo(PAGE);
        assertThat(q.bytes(DeviceQueue.DISK_READ)).isZero();
    }

    @Test
    void requestsArrivingTogetherQueueBehindEachOther() {
        DeviceQueue q = new DeviceQueue(DISK);
        double service = DISK.serviceSeconds(PAGE);
        double[] done = new double[3];
        for (int g = 0; g < 3; g++) {
            done[g] = q.submit(g, DeviceQueue.DISK_READ, PAGE, 0.0);
        }
        assertThat(done[0]).isCloseTo(service, within(1e-12));
        assertThat(done[1]).isCloseTo(2 * service, within(1e-12));
        assertThat(done[2]).isCloseTo(3 * service, within(1e-12));
        assertThat(q.meanWaitMs()).isCloseTo(2 * service * 1e3, within(1e-9));
    }

    @Test
    void aRequestArrivingAfterTheDeviceIsFreeDoesNotWait() {
        DeviceQueue q = new DeviceQueue(DISK);
        double first = q.submit(0, DeviceQueue.SWAP_READ, PAGE, 0.0);
        double second = q.submit(1, DeviceQueue.SWAP_READ, PAGE, first + 0.5);
        assertThat(second - (first + 0.5)).isCloseTo(DISK.serviceSeconds(PAGE), within(1e-12));
    }

    @Test
    void meanWaitGrowsWithTheNumberOfGuestsPagingInTheSameTick() {
        double previous = 0;
        for (int guests : new int[] {1, 2, 4, 8, 16}) {
            DeviceQueue q = new DeviceQueue(DISK);
            q.beginTick(0);
            for (int g = 0; g < guests; g++) {
                for (int r = 0; r < 5; r++) {
                    q.submit(g, DeviceQueue.SWAP_READ, PAGE, r * 0.02);   // each guest: 5 page-ins, 20 ms apart
                }
            }
            assertThat(q.meanWaitMs()).as("%s guests", guests).isGreaterThan(previous);
            assertThat(q.p99WaitMs()).isGreaterThanOrEqualTo(q.meanWaitMs());
            previous = q.meanWaitMs();
        }
        // one guest alone, requests 20 ms apart on an 8 ms device: nobody queues
        DeviceQueue alone = new DeviceQueue(DISK);
        for (int r = 0; r < 5; r++) {
            alone.submit(0, DeviceQueue.SWAP_READ, PAGE, r * 0.02);
        }
        assertThat(alone.meanWaitMs()).isCloseTo(DISK.serviceSeconds(PAGE) * 1e3, within(1e-9));
    }

    @Test
    void aBacklogAtTheEndOfATickDelaysTheNextTicksRequests() {
        DeviceQueue q = new DeviceQueue(DISK);
        double service = DISK.serviceSeconds(PAGE);
        q.beginTick(0.0);
        for (int r = 0; r < 20; r++) {                       // 20 x 8.1 ms = 162 ms of work in a 100 ms tick
            q.submit(0, DeviceQueue.SWAP_WRITE, PAGE, 0.0);
        }
        assertThat(q.freeAtSeconds()).isCloseTo(20 * service, within(1e-12));
        assertThat(q.backlogSeconds(0.1)).isCloseTo(20 * service - 0.1, within(1e-12));
        q.beginTick(0.1);
        double done = q.submit(0, DeviceQueue.SWAP_READ, PAGE, 0.1);
        assertThat(done).isCloseTo(21 * service, within(1e-12));
        assertThat(done - 0.1).isGreaterThan(service);
    }

    @Test
    void sameInputsGiveTheSameOutputs() {
        double[] a = play(new DeviceQueue(DeviceSettings.SATA_SSD), 42);
        double[] b = play(new DeviceQueue(DeviceSettings.SATA_SSD), 42);
        assertThat(a).containsExactly(b);
        assertThat(play(new DeviceQueue(DeviceSettings.SATA_SSD), 43)).isNotEqualTo(a);
    }

    private static double[] play(DeviceQueue q, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 0;
        double[] out = new double[1000];
        for (int tick = 0; tick < 10; tick++) {
            double start = tick * 0.1;
            q.beginTick(start);
            for (int g = 0; g < 10; g++) {
                for (int k = 0; k < 10; k++) {
                    out[n++] = q.submit(g, r.nextInt(DeviceQueue.KINDS), PAGE * r.nextInt(1, 16), start + r.nextDouble() * 0.1);
                }
            }
        }
        return new double[] {out[0], out[499], out[999], q.meanWaitMs(), q.p99WaitMs(), q.busySeconds(), q.bytes()};
    }

    @Test
    void submitAllWritesEachCompletionIntoTheCallersArray() {
        DeviceQueue q = new DeviceQueue(DISK);
        int[] guests = {0, 0, 1};
        int[] kinds = {DeviceQueue.DISK_READ, DeviceQueue.DISK_WRITE, DeviceQueue.SWAP_READ};
        long[] bytes = {PAGE, 2 * PAGE, PAGE};
        double[] arrivals = {0, 0, 0};
        double[] done = new double[3];
        q.submitAll(3, guests, kinds, bytes, arrivals, done);
        assertThat(done[2]).isCloseTo(DISK.serviceSeconds(PAGE) * 2 + DISK.serviceSeconds(2 * PAGE), within(1e-12));
        assertThat(q.requests()).isEqualTo(3);
        assertThat(q.requests(DeviceQueue.DISK_WRITE)).isEqualTo(1);
        assertThat(q.bytes()).isEqualTo(4 * PAGE);
        assertThat(DeviceQueue.isWrite(DeviceQueue.DISK_WRITE)).isTrue();
        assertThat(DeviceQueue.isSwap(DeviceQueue.DISK_WRITE)).isFalse();
        assertThat(DeviceQueue.isSwap(DeviceQueue.SWAP_READ)).isTrue();
    }

    @Test
    void requestsOutOfCanonicalOrderOrBeforeTheTickAreRefused() {
        DeviceQueue q = new DeviceQueue(DISK);
        q.beginTick(1.0);
        q.submit(2, DeviceQueue.SWAP_READ, PAGE, 1.0);
        assertThatThrownBy(() -> q.submit(1, DeviceQueue.SWAP_READ, PAGE, 1.0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("canonical order");
        assertThatThrownBy(() -> q.submit(3, DeviceQueue.SWAP_READ, PAGE, 0.5)).hasMessageContaining("before the tick");
        assertThatThrownBy(() -> q.submit(3, 9, PAGE, 1.0)).hasMessageContaining("kind");
        assertThatThrownBy(() -> q.submit(-1, DeviceQueue.SWAP_READ, PAGE, 1.0)).hasMessageContaining("negative guest");
        assertThatThrownBy(() -> q.submit(3, DeviceQueue.SWAP_READ, -1, 1.0)).hasMessageContaining("negative");
        assertThatThrownBy(() -> q.beginTick(0.5)).hasMessageContaining("before the previous tick");
        assertThat(q.requests()).isEqualTo(1);
        q.beginTick(1.1);
        q.submit(0, DeviceQueue.SWAP_READ, PAGE, 1.1);         // a new tick starts again at guest 0
        assertThat(q.requests()).isEqualTo(2);
    }

    @Test
    void inArrivalOrderRequestsMustComeByTimeThenGuest() {
        DeviceQueue q = new DeviceQueue(DISK, DeviceQueue.Order.BY_ARRIVAL);
        q.beginTick(0);
        q.submit(3, DeviceQueue.SWAP_READ, PAGE, 0.010);
        q.submit(1, DeviceQueue.SWAP_READ, PAGE, 0.020);      // a lower guest later in time is fine
        q.submit(2, DeviceQueue.SWAP_READ, PAGE, 0.020);
        assertThatThrownBy(() -> q.submit(1, DeviceQueue.SWAP_READ, PAGE, 0.020))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("BY_ARRIVAL");
        assertThatThrownBy(() -> q.submit(5, DeviceQueue.SWAP_READ, PAGE, 0.015))
                .isInstanceOf(IllegalStateException.class);
        assertThat(q.requests()).isEqualTo(3);
        assertThat(q.order()).isEqualTo(DeviceQueue.Order.BY_ARRIVAL);
    }

    @Test
    void clearingStatisticsKeepsTheBacklog() {
        DeviceQueue q = new DeviceQueue(DISK);
        q.submit(0, DeviceQueue.SWAP_READ, PAGE, 0);
        double freeAt = q.freeAtSeconds();
        q.clearStatistics();
        assertThat(q.requests()).isZero();
        assertThat(q.meanWaitMs()).isZero();
        assertThat(q.p99WaitMs()).isZero();
        assertThat(q.busySeconds()).isZero();
        assertThat(q.freeAtSeconds()).isEqualTo(freeAt);
    }
}
