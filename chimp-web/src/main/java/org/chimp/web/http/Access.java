package org.chimp.web.http;

/** Who may call an endpoint. */
public enum Access {
    /** Anyone, without credentials (health, login page, static files). */
    PUBLIC,
    /** Any authenticated caller: a user or an admin. */
    USER,
    /** Admins only (the admin token, or a user with the admin role). */
    ADMIN
}
