"""Accounts API: tokens, the current user, workspaces and their members."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from apps.accounts.models import Membership, Role
from apps.accounts.selectors import membership_list, workspace_get_for_user, workspace_list_for_user
from apps.accounts.services import (
    membership_invite,
    membership_remove,
    membership_role_update,
    workspace_create,
)
from apps.common.api import request_user
from apps.common.errors import NotFound, ValidationFailed


class LoginThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenObtainApi(APIView):
    """POST {username, password} → {token}, for scripts."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    throttle_classes = [LoginThrottle]

    class TokenObtainInput(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=512, trim_whitespace=False)

    @extend_schema(
        request=TokenObtainInput,
        responses=inline_serializer("Token", {"token": serializers.CharField()}),
    )
    def post(self, request: Request) -> Response:
        data = self.TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationFailed("Wrong username or password.", code="bad_credentials")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.CharField()
        display_name = serializers.CharField()

    @extend_schema(responses=OutputSerializer)
    def get(self, request: Request) -> Response:
        user: Any = request_user(request)
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "email": user.email,
                "display_name": user.get_full_name() or user.username,
            }
        )


class WorkspaceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


def _workspace_out(workspace: Any, role: str) -> dict[str, Any]:
    return {
        "id": workspace.pk,
        "name": workspace.name,
        "slug": workspace.slug,
        "role": role,
        "created_at": workspace.created_at,
    }


class WorkspaceListApi(APIView):
    class WorkspaceCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    @extend_schema(responses=WorkspaceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        user = request_user(request)
        roles = dict(Membership.objects.filter(user=user).values_list("workspace_id", "role"))
        return Response(
            [_workspace_out(ws, roles[ws.pk]) for ws in workspace_list_for_user(user=user)]
        )

    @extend_schema(request=WorkspaceCreateInput, responses={201: WorkspaceOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.WorkspaceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = workspace_create(name=data.validated_data["name"], owner=request_user(request))
        return Response(_workspace_out(workspace, Role.OWNER), status=201)


class WorkspaceDetailApi(APIView):
    @extend_schema(responses=WorkspaceOutputSerializer)
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace, role = workspace_get_for_user(
            user=request_user(request), workspace_id=workspace_id
        )
        return Response(_workspace_out(workspace, role))


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField()
    role = serializers.CharField()


def _member_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "user_id": membership.user_id,
        "username": membership.user.get_username(),
        "email": getattr(membership.user, "email", ""),
        "role": membership.role,
    }


class MemberListApi(APIView):
    class MemberInviteInput(serializers.Serializer):
        user = serializers.CharField(max_length=254, help_text="username or email")
        role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)

    @extend_schema(responses=MemberOutputSerializer(many=True))
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace, _ = workspace_get_for_user(user=request_user(request), workspace_id=workspace_id)
        return Response([_member_out(m) for m in membership_list(workspace=workspace)])

    @extend_schema(request=MemberInviteInput, responses={201: MemberOutputSerializer})
    def post(self, request: Request, workspace_id: int) -> Response:
        workspace, _ = workspace_get_for_user(user=request_user(request), workspace_id=workspace_id)
        data = self.MemberInviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_invite(
            workspace=workspace,
            actor=request_user(request),
            identifier=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response(_member_out(membership), status=201)


class MemberDetailApi(APIView):
    class MemberRoleInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    def _membership(self, request: Request, workspace_id: int, membership_id: int) -> Membership:
        workspace, _ = workspace_get_for_user(user=request_user(request), workspace_id=workspace_id)
        membership = (
            Membership.objects.filter(pk=membership_id, workspace=workspace)
            .select_related("user", "workspace")
            .first()
        )
        if membership is None:
            raise NotFound("Member not found.")
        return membership

    @extend_schema(request=MemberRoleInput, responses=MemberOutputSerializer)
    def patch(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        membership = self._membership(request, workspace_id, membership_id)
        data = self.MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_role_update(
            membership=membership, actor=request_user(request), role=data.validated_data["role"]
        )
        return Response(_member_out(membership))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        membership = self._membership(request, workspace_id, membership_id)
        membership_remove(membership=membership, actor=request_user(request))
        return Response(status=204)
