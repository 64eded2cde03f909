package dev.roundtrip.transport.internal;

import dev.roundtrip.transport.Headers;

/**
 * Constructors of public types that skip validation, for internal code that has already
 * checked its input (the codec builds {@link Headers} from bytes it parsed and checked).
 * Not an API.
 */
public final class Trusted {

	/** Set by {@link Headers}'s static initializer. */
	public static volatile HeadersFactory headers;

	private Trusted() {
	}

	/**
	 * Headers over an array the caller gives up: name0, value0, name1, value1… Only the
	 * first {@code 2 * size} slots are read.
	 */
	public static Headers headers(String[] namesAndValues, int size) {
		HeadersFactory factory = headers;
		if (factory == null) {
			// Initializing Headers runs its static block, which sets the factory.
			factory = (Headers.EMPTY != null) ? headers : null;
		}
		return factory.wrap(namesAndValues, size);
	}

	@FunctionalInterface
	public interface HeadersFactory {

		Headers wrap(String[] namesAndValues, int size);

	}

}
