package ballast.guest;

/**
 * What a guest's pages hold when the guest OS first fills them.
 *
 * @param image          the OS image id: guests with the same image hold the same image pages
 * @param imageFraction  share of pages holding the OS image (kernel, libraries, system files)
 * @param zeroFraction   share of pages that start as zero pages
 */
public record ContentSettings(String image, double imageFraction, double zeroFraction) {
}
