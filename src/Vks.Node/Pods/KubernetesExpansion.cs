// Kubernetes' $(VAR) expansion for command, args and env values, with exactly the rules of
// k8s.io/kubernetes third_party/forked/golang/expansion: "$(NAME)" becomes the value of NAME when it is
// defined and stays verbatim when it is not; "$$" becomes "$" (so "$$(NAME)" is the literal "$(NAME)"); a "$"
// before any other character, an unclosed "$(" and a final "$" are kept as they are. (kubelet works on bytes and
// so garbles a non-ASCII character right after a "$"; vks keeps it intact.)
using System.Text;

namespace Vks.Node.Pods;

public static class KubernetesExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(lookup);
        var output = new StringBuilder(input.Length);
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length)
            {
                continue;
            }

            output.Append(input, checkpoint, cursor - checkpoint);
            var next = input[cursor + 1];
            if (next == '$')
            {
                // An escaped operator.
                output.Append('$');
                cursor++;
            }
            else if (next == '(')
            {
                var closer = input.IndexOf(')', cursor + 2);
                if (closer < 0)
                {
                    // An incomplete reference is kept; scanning resumes after the "(".
                    output.Append("$(");
                    cursor++;
                }
                else
                {
                    var name = input[(cursor + 2)..closer];
                    output.Append(lookup(name) ?? "$(" + name + ")");
                    cursor = closer;
                }
            }
            else
            {
                // Not a reference: the "$" and the character after it stay.
                output.Append('$').Append(next);
                cursor++;
            }

            checkpoint = cursor + 1;
        }

        return output.Append(input, checkpoint, input.Length - checkpoint).ToString();
    }
}
