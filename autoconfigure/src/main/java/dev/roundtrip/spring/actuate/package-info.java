/**
 * The Actuator endpoint {@code roundtrip}: the transports' settings, their pools per
 * destination and each connection, and closing idle connections.
 */
@NullMarked
package dev.roundtrip.spring.actuate;

import org.jspecify.annotations.NullMarked;
