package ballast.guest;

/** The failure a guest throws when a reliability test injects a crash at a tick ({@link GuestVm#create}). */
public final class InjectedFault extends RuntimeException {
    public InjectedFault(String message) {
        super(message);
    }
}
