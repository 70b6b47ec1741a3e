using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Vks.Node.KubeletApi.Certificates;

namespace Vks.Node.Tests.KubeletApi.Certificates;

public sealed class ServingCertificateTemplateTests
{
    private static readonly ServingCertificateTemplate Template =
        new("worker-1", [IPAddress.Parse("10.0.0.7"), IPAddress.Parse("fd00::7")], ["Worker-1.example"]);

    [Fact]
    public void The_request_says_what_the_kubelet_serving_signer_wants()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = CertificateRequest.LoadSigningRequestPem(
            Template.CreateSigningRequestPem(key), HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);

        var subject = request.SubjectName.EnumerateRelativeDistinguishedNames()
            .Select(rdn => (rdn.GetSingleElementType().FriendlyName, rdn.GetSingleElementValue())).ToList();
        Assert.Equal([("O", "system:nodes"), ("CN", "system:node:worker-1")], subject);
        var san = Assert.IsType<X509SubjectAlternativeNameExtension>(Assert.Single(request.CertificateExtensions), exactMatch: false);
        Assert.Equal([IPAddress.Parse("10.0.0.7"), IPAddress.Parse("fd00::7")], san.EnumerateIPAddresses().ToList());
        Assert.Equal(["worker-1.example"], san.EnumerateDnsNames().ToList());
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void A_certificate_signed_from_the_request_matches_the_template_and_one_for_other_addresses_does_not()
    {
        using var authority = new TestAuthority();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = authority.SignRequestPem(Template.CreateSigningRequestPem(key), DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        using var certificate = X509Certificate2.CreateFromPem(signed);
        Assert.True(Template.Matches(certificate));
        // Address order and DNS case do not matter.
        Assert.True(new ServingCertificateTemplate("worker-1", [IPAddress.Parse("fd00::7"), IPAddress.Parse("10.0.0.7")], ["worker-1.EXAMPLE"]).Matches(certificate));

        Assert.False(new ServingCertificateTemplate("worker-1", [IPAddress.Parse("10.0.0.8"), IPAddress.Parse("fd00::7")], ["worker-1.example"]).Matches(certificate));
        Assert.False(new ServingCertificateTemplate("worker-1", [IPAddress.Parse("10.0.0.7")], ["worker-1.example"]).Matches(certificate));
        Assert.False(new ServingCertificateTemplate("worker-2", [IPAddress.Parse("10.0.0.7"), IPAddress.Parse("fd00::7")], ["worker-1.example"]).Matches(certificate));
    }

    [Fact]
    public void A_certificate_with_the_right_names_but_another_organization_does_not_match()
    {
        using var authority = new TestAuthority();
        using var certificate = authority.IssueClient("system:node:worker-1", ["system:masters"]);
        Assert.False(Template.Matches(certificate));
    }

    [Fact]
    public void A_template_needs_an_address() =>
        Assert.Throws<ArgumentException>(() => new ServingCertificateTemplate("worker-1", [], []));
}
