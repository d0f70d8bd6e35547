package org.chimp.web.identity;

import java.time.Instant;

/** A user as stored (without the password hash, which never leaves {@link Users}). */
public record User(long id, String name, UserRole role, Instant createdAt) {
}
