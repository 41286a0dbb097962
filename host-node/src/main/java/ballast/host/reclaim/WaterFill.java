package ballast.host.reclaim;

import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.ints.IntComparator;

/**
 * Weighted water-filling: finds the level {@code L} with {@code sum clamp(w[i] * L, min[i],
 * max[i]) = available} and writes the clamped, rounded-down targets, the rounding remainder going
 * one page each to the guests strictly between their bounds (lowest index first). A guest of
 * weight 0 stays at its min unless every guest with weight is at its max; then such guests get
 * the rest, the last first. If the mins do not fit, every guest gets its min; if the maxes fit,
 * every guest gets its max.
 *
 * <p>Cost: O(n log n), a sort of the 2n breakpoints ({@code min/w} and {@code max/w}) then one
 * sweep; scratch arrays grow once and are reused, nothing is allocated per call after that.
 */
final class WaterFill {
    private double[] key = new double[0];
    private int[] order = new int[0];
    private final IntComparator byKey = this::compare;

    private int compare(int a, int b) {
        int c = Double.compare(key[a], key[b]);
        // At equal levels a guest's lower breakpoint (even slot) comes before its upper one.
        return c != 0 ? c : Integer.compare(a & 1, b & 1);
    }

    void fill(GuestDemands d, double[] weight, long available, long[] out) {
        int n = d.count();
        long[] min = d.min;
        long[] max = d.max;
        long sumMin = 0;
        long sumMax = 0;
        for (int i = 0; i < n; i++) {
            sumMin += min[i];
            sumMax += max[i];
        }
        if (sumMin >= available) {
            System.arraycopy(min, 0, out, 0, n);
            return;
        }
        if (sumMax <= available) {
            System.arraycopy(max, 0, out, 0, n);
            return;
        }
        if (key.length < 2 * n) {
            key = new double[4 * n];
            order = new int[4 * n];
        }
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (weight[i] > 0) {
                key[2 * i] = min[i] / weight[i];
                key[2 * i + 1] = max[i] / weight[i];
                order[m++] = 2 * i;
                order[m++] = 2 * i + 1;
            }
        }
        IntArrays.quickSort(order, 0, m, byKey);
        // Sweep the level upwards: total(L) = fixed + slope * L between breakpoints.
        double fixed = sumMin;
        double slope = 0;
        double level = Double.POSITIVE_INFINITY;
        for (int e = 0; e < m; e++) {
            int slot = order[e];
            int i = slot >> 1;
            double at = key[slot];
            if (slope > 0 && fixed + slope * at >= available) {
                level = (available - fixed) / slope;
                break;
            }
            if ((slot & 1) == 0) {
                fixed -= min[i];
                slope += weight[i];
            } else {
                slope -= weight[i];
                fixed += max[i];
            }
        }
        long sum = 0;
        for (int i = 0; i < n; i++) {
            long t;
            if (weight[i] <= 0) {
                t = min[i];
            } else {
                double exact = weight[i] * level;
                t = exact >= max[i] ? max[i] : Math.max(min[i], (long) Math.floor(exact));
            }
            out[i] = t;
            sum += t;
        }
        // Every guest with weight at its max: the rest goes to the guests of weight 0, last first
        // (what page-by-page revocation leaves them: their rho is 0, so they lose pages first).
        for (int i = n - 1; i >= 0 && sum < available && level == Double.POSITIVE_INFINITY; i--) {
            if (weight[i] <= 0) {
                long extra = Math.min(max[i] - out[i], available - sum);
                out[i] += extra;
                sum += extra;
            }
        }
        // Rounding: hand out (or, after floating-point excess, take back) single pages.
        for (int i = 0; i < n && sum != available; i++) {
            if (sum < available && weight[i] > 0 && out[i] < max[i] && weight[i] * level > min[i]) {
                out[i]++;
                sum++;
            } else if (sum > available && out[i] > min[i]) {
                out[i]--;
                sum--;
            }
        }
    }
}
