package dev.roundtrip.spring.autoconfigure;

import dev.roundtrip.transport.Transport;

/**
 * Customizes every {@link Transport} built through {@link RoundtripTransports} (the
 * auto-configured {@code roundtripTransport} and any the application builds there) before
 * it is built, after its properties are applied: for what has no property, such as a
 * {@code hostnameVerifier} or a default {@code sslContext}. Beans of this type are
 * applied in order.
 */
@FunctionalInterface
public interface TransportBuilderCustomizer {

	void customize(Transport.Builder builder);

}
