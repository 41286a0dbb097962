package ballast.guest;

import java.util.List;

/**
 * What a guest's pages hold when the guest OS first fills them.
 *
 * @param image             the OS image id: guests with the same image hold the same image pages
 * @param imageFraction     share of pages holding the OS image (kernel, libraries, system files)
 * @param zeroFraction      share of pages that start as zero pages
 * @param duplicateFraction share of pages holding a copy of one of the guest's own image pages
 *                          (a library mapped twice, a file cached twice): sharing within one guest
 * @param imageFiles        real files whose 4 KiB chunks fill PPN 0 upward at boot; when not
 *                          empty they replace the synthetic model above (other pages start zeroed)
 */
public record ContentSettings(String image, double imageFraction, double zeroFraction, double duplicateFraction,
                              List<String> imageFiles) {

    /** A synthetic content model without duplicates or files. */
    public ContentSettings(String image, double imageFraction, double zeroFraction) {
        this(image, imageFraction, zeroFraction, 0.0, List.of());
    }

    public ContentSettings {
        imageFiles = imageFiles == null ? List.of() : List.copyOf(imageFiles);
    }

    /** Whether the guest boots from real files. */
    public boolean fileBacked() {
        return !imageFiles.isEmpty();
    }
}
