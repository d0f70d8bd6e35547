package org.chimp.web.identity;

import java.util.Locale;
import org.chimp.api.error.ClientErrorException;

/** What a user may do: {@code user} serves, uploads and reads; {@code admin} also promotes, deletes and manages users. */
public enum UserRole {
    USER, ADMIN;

    /** The role's name as users type and see it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code user} or {@code admin}, case-insensitively; anything else is a 400. */
    public static UserRole parse(String s) {
        if (s != null) {
            for (UserRole r : values()) {
                if (r.id().equalsIgnoreCase(s.trim())) {
                    return r;
                }
            }
        }
        throw ClientErrorException.invalid("Unknown role '" + (s == null ? "" : s.length() > 20 ? s.substring(0, 20) + "…" : s)
                + "'; roles are 'user' and 'admin'");
    }
}
