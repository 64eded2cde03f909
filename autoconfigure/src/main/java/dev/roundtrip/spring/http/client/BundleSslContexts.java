package dev.roundtrip.spring.http.client;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import javax.net.ssl.SSLContext;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * One {@link SSLContext} per {@link SslBundle}. The pool keys connections by the identity
 * of their {@code SSLContext}, so every factory configured with the same bundle must pass
 * the same instance for its connections to be shared; a reloaded bundle is a new instance
 * and gets a new context (and new connections).
 */
final class BundleSslContexts {

	/** Weak keys: a bundle replaced on reload is dropped with its context. */
	private final Map<SslBundle, SSLContext> contexts = Collections.synchronizedMap(new WeakHashMap<>());

	SSLContext get(SslBundle bundle) {
		return this.contexts.computeIfAbsent(bundle, BundleSslContexts::create);
	}

	private static SSLContext create(SslBundle bundle) {
		SSLContext context = bundle.createSslContext();
		SslOptions options = bundle.getOptions();
		if (options != null && options.isSpecified()) {
			return new ConfiguredSslContext(context, options.getEnabledProtocols(), options.getCiphers());
		}
		return context;
	}

}
