// Every request to the kubelet API passes here before any endpoint (or the 404 of no endpoint) sees it:
// - nobody, or credentials that do not check out: 401;
// - the API server denies the SubjectAccessReview: 403, with the attributes asked about and the authorizer's reason
//   (the kubelet's "Forbidden (user=..., verb=..., resource=..., subresource=...)");
// - the API server cannot be asked: 401 while authenticating, 500 while authorizing, as the kubelet answers.
// Bodies are Status JSON (KubeletStatusResponse). Refusals are logged at Debug only: a scraper without permission
// would otherwise fill the journal.
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vks.Node.Kubernetes;

namespace Vks.Node.KubeletApi.Security;

public sealed partial class KubeletAuthMiddleware
{
    private readonly RequestDelegate _next;
    private readonly KubeletAuthenticator _authenticator;
    private readonly KubeletAuthorizer _authorizer;
    private readonly ILogger _logger;

    public KubeletAuthMiddleware(RequestDelegate next, KubeletAuthenticator authenticator, KubeletAuthorizer authorizer, ILogger<KubeletAuthMiddleware> logger)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(authenticator);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(logger);
        _next = next;
        _authenticator = authenticator;
        _authorizer = authorizer;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var aborted = context.RequestAborted;
        AuthenticationResult authentication;
        try
        {
            authentication = await _authenticator.AuthenticateAsync(
                context.Connection.ClientCertificate, context.Request.Headers.Authorization, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsApiFailure(e, aborted))
        {
            LogReviewFailed("TokenReview", ApiErrors.Describe(e));
            await KubeletStatusResponse.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                "Unauthorized: the token could not be reviewed").ConfigureAwait(false);
            return;
        }

        if (authentication.User is not { } user)
        {
            LogUnauthenticated(context.Request.Path, authentication.Failure);
            await KubeletStatusResponse.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "Unauthorized",
                $"Unauthorized: {authentication.Failure}").ConfigureAwait(false);
            return;
        }

        if (KubeletRequestAttributes.Of(context.Request.Method, context.Request.Path.Value ?? "/") is not { } attributes)
        {
            await KubeletStatusResponse.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Forbidden",
                $"Forbidden (user={user.Name}): the method {context.Request.Method} has no API verb").ConfigureAwait(false);
            return;
        }

        AuthorizationDecision decision;
        try
        {
            decision = await _authorizer.AuthorizeAsync(user, attributes, aborted).ConfigureAwait(false);
        }
        catch (Exception e) when (IsApiFailure(e, aborted))
        {
            LogReviewFailed("SubjectAccessReview", ApiErrors.Describe(e));
            await KubeletStatusResponse.WriteAsync(context.Response, StatusCodes.Status500InternalServerError, "InternalError",
                $"Authorization error ({attributes.Describe(user.Name)})").ConfigureAwait(false);
            return;
        }

        if (!decision.Allowed)
        {
            var message = $"Forbidden ({attributes.Describe(user.Name)})" + (decision.Reason.Length > 0 ? $": {decision.Reason}" : "");
            LogForbidden(message);
            await KubeletStatusResponse.WriteAsync(context.Response, StatusCodes.Status403Forbidden, "Forbidden", message).ConfigureAwait(false);
            return;
        }

        await _next(context).ConfigureAwait(false);
    }

    private static bool IsApiFailure(Exception e, CancellationToken aborted) =>
        ApiErrors.IsUnavailable(e, aborted) || ApiErrors.StatusCodeOf(e) is not null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "401 for {Path}: {Reason}")]
    private partial void LogUnauthenticated(string path, string? reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "403: {Message}")]
    private partial void LogForbidden(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Review} for the kubelet API failed: {Reason}")]
    private partial void LogReviewFailed(string review, string reason);
}
