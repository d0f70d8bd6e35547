/** Users, their passwords, API tokens and browser sessions, kept in the database (no HTTP types here). */
package org.chimp.web.identity;
