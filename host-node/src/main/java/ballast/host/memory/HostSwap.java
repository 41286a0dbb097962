package ballast.host.memory;

import java.util.Arrays;

/**
 * The host's swap store: where the hypervisor keeps the content of guest pages it paged out (ESX's
 * per-VM swap files, here one pool per host). A slot holds one page's content token.
 *
 * <p>Layout, all primitive arrays: per slot its token and its owner (guest index, or {@link #FREE})
 * and PPN; a stack of freed slots; and, per guest, a PPN -> slot array made on the guest's first
 * swap-out (guests that are never paged cost nothing). The slot arrays grow by doubling up to the
 * capacity, so a large swap that is little used costs little. A slot is handed out from the stack
 * of freed slots first, else the next never-used one.
 *
 * <p>Owned by one hypervisor, not thread-safe.
 */
public final class HostSwap {
    public static final int NO_SLOT = -1;
    public static final int FREE = -1;

    private long capacity;
    private int[] guestPages;
    private int[][] slotOf;
    private long[] tokens = new long[0];
    private int[] owner = new int[0];
    private int[] ppn = new int[0];
    private int[] freed = new int[0];
    private int freedTop;
    /** Slots ever handed out (the next never-used slot). */
    private int highWater;
    private int used;

    /**
     * @param capacity   slots (pages) in the store
     * @param guestPages each guest's configured pages, by guest index
     */
    public HostSwap(long capacity, int[] guestPages) {
        if (capacity < 0) {
            throw new IllegalArgumentException("swap capacity must not be negative: " + capacity);
        }
        this.capacity = Math.min(capacity, Integer.MAX_VALUE - 8);
        this.guestPages = guestPages.clone();
        this.slotOf = new int[guestPages.length][];
    }

    /** Live migration: a guest of {@code pages} pages arrives under the next guest index; returns it. */
    public int addGuest(int pages) {
        int index = guestPages.length;
        guestPages = java.util.Arrays.copyOf(guestPages, index + 1);
        guestPages[index] = pages;
        slotOf = java.util.Arrays.copyOf(slotOf, index + 1);
        return index;
    }

    /** Slots in the store. */
    public long capacity() {
        return capacity;
    }

    /** Changes the capacity; refused (false) when more slots than that are in use. */
    public boolean setCapacity(long newCapacity) {
        long c = Math.min(newCapacity, Integer.MAX_VALUE - 8);
        if (c < used) {
            return false;
        }
        capacity = c;
        return true;
    }

    /** Slots holding a page. */
    public int used() {
        return used;
    }

    public boolean isFull() {
        return used >= capacity;
    }

    /** The slot holding guest {@code guest}'s {@code ppn}, or {@link #NO_SLOT}. */
    public int slot(int guest, int ppn) {
        int[] slots = slotOf[guest];
        return slots == null ? NO_SLOT : slots[ppn];
    }

    /** Stores {@code token} as guest {@code guest}'s {@code ppn}; returns the slot, or {@link #NO_SLOT} when full. */
    public int swapOut(int guest, int ppnToStore, long token) {
        if (used >= capacity) {
            return NO_SLOT;
        }
        int[] slots = slotOf[guest];
        if (slots == null) {
            slots = new int[guestPages[guest]];
            Arrays.fill(slots, NO_SLOT);
            slotOf[guest] = slots;
        }
        if (slots[ppnToStore] != NO_SLOT) {
            throw new IllegalStateException("guest " + guest + " PPN " + ppnToStore + " is already in swap");
        }
        int s;
        if (freedTop > 0) {
            s = freed[--freedTop];
        } else {
            s = highWater++;
            if (s >= tokens.length) {
                int n = (int) Math.max(s + 1L, Math.min(capacity, Math.max(64L, 2L * tokens.length)));
                tokens = Arrays.copyOf(tokens, n);
                owner = Arrays.copyOf(owner, n);
                ppn = Arrays.copyOf(ppn, n);
                freed = Arrays.copyOf(freed, n);
            }
        }
        tokens[s] = token;
        owner[s] = guest;
        ppn[s] = ppnToStore;
        slots[ppnToStore] = s;
        used++;
        return s;
    }

    /** The content of guest {@code guest}'s swapped {@code ppn}, leaving it in swap. */
    public long peek(int guest, int ppnInSwap) {
        int s = slot(guest, ppnInSwap);
        if (s == NO_SLOT) {
            throw new IllegalStateException("guest " + guest + " PPN " + ppnInSwap + " is not in swap");
        }
        return tokens[s];
    }

    /** Takes guest {@code guest}'s {@code ppn} out of swap (a swap-in, or its content thrown away); returns its content. */
    public long release(int guest, int ppnInSwap) {
        int s = slot(guest, ppnInSwap);
        if (s == NO_SLOT) {
            throw new IllegalStateException("guest " + guest + " PPN " + ppnInSwap + " is not in swap");
        }
        long token = tokens[s];
        slotOf[guest][ppnInSwap] = NO_SLOT;
        owner[s] = FREE;
        tokens[s] = 0;
        freed[freedTop++] = s;
        used--;
        return token;
    }

    /** Slots ever handed out: slots {@code 0 .. slotsTouched() - 1} exist. */
    public int slotsTouched() {
        return highWater;
    }

    /** The guest owning slot {@code s}, or {@link #FREE}. */
    public int owner(int s) {
        return owner[s];
    }

    /** The PPN held in slot {@code s} (meaningless for a free slot). */
    public int ppn(int s) {
        return ppn[s];
    }
}
