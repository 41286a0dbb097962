package ballast.app.scenario;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;

/**
 * The {@code ballast} section of the library defaults (every module's reference.conf), as the
 * section readers use it: a section's object, or the same as the last fallback layer of an
 * {@link Entry}.
 */
record LibraryDefaults(Config config) {
    /** The defaults object of {@code section}, such as {@code host} or {@code guest.content}. */
    ConfigObject object(String section) {
        return config.getObject(section);
    }

    /** The defaults of {@code section} as a fallback layer, named {@code ballast.SECTION} in messages. */
    Entry.Layer layer(String section) {
        return new Entry.Layer("ballast." + section, object(section), false);
    }
}
