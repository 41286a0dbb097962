package ballast.host;

import ballast.host.reclaim.Reclamation;
import ballast.abi.TranslationMode;
import ballast.host.cpu.CpuSpec;
import ballast.host.reclaim.ReclaimSettings;
import ballast.host.sharing.SharingSettings;
import java.util.List;

/** Hosts and guests for the reclamation tests. */
final class ReclaimHosts {
    static final long SWAP_IN_CYCLES = 21_450;

    private ReclaimHosts() {
    }

    /** Reclamation with the given policy and tax rate, ESX's thresholds, a 0.1 s tick. */
    static ReclaimSettings reclaim(boolean enabled, String policy, double tau, double balanceSeconds, double sampleSeconds,
                                   int samples, long swapPages, double swapOutPerSecond) {
        return new ReclaimSettings(enabled, policy, tau, 0.25, balanceSeconds, sampleSeconds, samples, 0.06, 0.04, 0.02,
                0.01, 0.005, swapPages, SWAP_IN_CYCLES, swapOutPerSecond, 0, 0.1);
    }

    /** Reclamation on, shares policy, long periods (nothing happens by itself for a while), a swap of 4096 pages. */
    static ReclaimSettings quiet() {
        return reclaim(true, "shares", 0, 1000, 1000, 100, 4096, 0);
    }

    static HostSettings host(int frames, int reserved, ReclaimSettings reclaim, boolean sharing, GuestSpec... guests) {
        SharingSettings share = new SharingSettings(sharing, 200, 50, SharingSettings.Order.RANDOM, 64, 0.1);
        return new HostSettings("reclaim-host", 42L, frames, reserved, 64, 1 << 20, 4096, TestHosts.COSTS,
                List.of(guests), share, reclaim);
    }

    static GuestSpec guest(int index, TranslationMode mode, int pages) {
        return new GuestSpec(index, "g" + index, mode, pages, 1);
    }

    /** A nested guest without nested paging: shadow tables, as full guests have. */
    static GuestSpec shadowNested(int index, int pages) {
        return new GuestSpec(index, "g" + index, TranslationMode.NESTED, pages, 1, new CpuSpec(true, false, 4096, 0), null);
    }

    /** The three ways a guest's memory is translated that host paging applies to, plus para-virtual. */
    enum Kind {
        FULL, NESTED, NESTED_SHADOW, PARA;

        GuestSpec spec(int index, int pages) {
            return switch (this) {
                case FULL -> guest(index, TranslationMode.FULL, pages);
                case NESTED -> guest(index, TranslationMode.NESTED, pages);
                case NESTED_SHADOW -> shadowNested(index, pages);
                case PARA -> guest(index, TranslationMode.PARA, pages);
            };
        }
    }
}
