package ballast.host.reclaim;

/**
 * ESX's idle memory tax (Waldspurger, OSDI 2002, section 5.2): min-funding revocation with an
 * adjusted shares-per-page ratio {@code rho = S / (P * (f + k * (1 - f)))}, {@code k = 1 / (1 -
 * tau)}: an idle page costs {@code k} times an active one. Pages are reclaimed from the guest with
 * the lowest rho, never below its min, until the allocations fit.
 *
 * <p>Computed in closed form: starting from every guest at its max, reclaiming from the lowest rho
 * until the total fits ends with every guest strictly between its bounds at one common rho, that
 * is with {@code P = (S / c) / rho}, {@code c = f + k * (1 - f)}: water-filling with weights
 * {@code S / c} (the tests check it against the page-by-page revocation). With {@code tau = 0},
 * {@code c = 1} and this is {@link SharesPolicy}. Default tau 0.75 (ESX's).
 *
 * <p>Cost: O(n log n) per rebalance (a sort of 2n breakpoints), no allocation after the first
 * call. Ignores: that f is measured against the allocation it changes (the caller iterates
 * rebalances; f of a guest whose active pages are fixed rises as its allocation falls), the
 * sampling error of f, and what reclaiming costs (ballooning, paging).
 */
public final class IdleTaxPolicy implements AllocationPolicy {
    public static final String NAME = "idle-tax";
    public static final double DEFAULT_TAX_RATE = 0.75;

    private final double taxRate;
    private final double idleCost;
    private final WaterFill waterFill = new WaterFill();
    private double[] weight = new double[0];

    public IdleTaxPolicy() {
        this(DEFAULT_TAX_RATE);
    }

    public IdleTaxPolicy(double taxRate) {
        if (!(taxRate >= 0 && taxRate < 1)) {
            throw new IllegalArgumentException("tax rate must be in [0, 1): " + taxRate);
        }
        this.taxRate = taxRate;
        this.idleCost = 1 / (1 - taxRate);
    }

    @Override
    public String name() {
        return NAME;
    }

    public double taxRate() {
        return taxRate;
    }

    /** The adjusted shares-per-page ratio of a guest with {@code pages} allocated pages. */
    public double rho(double shares, double pages, double f) {
        return shares / (pages * (f + idleCost * (1 - f)));
    }

    @Override
    public void targets(GuestDemands demands, long availablePages, long[] outTargets) {
        int n = demands.count();
        if (weight.length < n) {
            weight = new double[Math.max(n, 2 * weight.length)];
        }
        double[] shares = demands.shares;
        double[] f = demands.activeFraction;
        for (int i = 0; i < n; i++) {
            weight[i] = shares[i] / (f[i] + idleCost * (1 - f[i]));
        }
        waterFill.fill(demands, weight, availablePages, outTargets);
    }

    @Override
    public String toString() {
        return NAME + "(tau=" + taxRate + ")";
    }
}
